//! What a one-shot `ferret scan` pays for identity checks: building the built-in list and the
//! first look-ups, in a fresh process. Run with
//! `cargo run -p ferret_identity --release --example startup`.

use std::time::Instant;

use ferret_identity::PopularList;

fn main() {
    let start = Instant::now();
    let list = PopularList::builtin();
    let built = start.elapsed();
    let hit = list.check_typosquat("reqeusts");
    let first = start.elapsed();
    assert_eq!(hit.map(|h| h.rank), Some(6));
    println!(
        "builtin() {built:.2?} + first check_typosquat(\"reqeusts\") {:.2?} = {first:.2?}",
        first - built
    );
    // Most scanned packages imitate nothing, and a miss is the slower look-up.
    let start = Instant::now();
    assert!(list.check_typosquat("acme-internal-tools").is_none());
    println!("then a miss: {:.2?}", start.elapsed());
}
