//! ferret's end-to-end tests: one integration binary (as ripgrep does).
//!
//! - `cli`: the command line: every input format, output formats, exit codes.
//! - `corpus`: every sample under `corpus/` gets its expected verdict, rules and decode chain.
//! - `hostile`: bombs, traversal, links, deep nesting and other hostile input stay bounded.
//! - `rules`: the built-in rules' fixtures (`ferret rules test rules/`), custom rules, rule errors.
//! - `mirror`: `ferret mirror` on a bandersnatch-layout mirror built from the corpus.
//! - `shared`: runs on `../shared` when present; skips (and says so) otherwise.

mod support;

mod cli;
mod corpus;
mod hostile;
mod identity;
mod mirror;
mod rules;
mod shared;
