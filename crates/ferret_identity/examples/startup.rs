//! What a one-shot `ferret scan` pays for identity checks: building the built-in list and the
//! first look-up, in a fresh process. Run with
//! `cargo run -p ferret_identity --release --example startup`.

use std::time::Instant;

use ferret_identity::PopularList;

fn main() {
    let start = Instant::now();
    let list = PopularList::builtin();
    let built = start.elapsed();
    let hit = list.check_typosquat("reqeusts");
    let total = start.elapsed();
    assert_eq!(hit.map(|h| h.rank), Some(6));
    println!(
        "builtin() {built:.2?}, first check_typosquat {:.2?}, total {total:.2?}",
        total - built
    );
}
