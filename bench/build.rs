//! The baseline binary is linked as `fundstelle` is (see `../link.rs`), so that per-process
//! timings compare the two engines, not two ways of linking.

include!("../link.rs");

fn main() {
    link_without_pie("bin=baseline");
}
