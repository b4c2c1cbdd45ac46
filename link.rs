/// A position-independent executable is relocated at every start: the dynamic loader writes
/// about 29,000 pointers (vtables, string slices in statics, panic locations), touching some
/// 170 pages of `.data.rel.ro`. On this project's 2-core machine that is 0.4 ms of a 2.8 ms
/// search process (`perf stat`: 400 → 250 page faults). A fixed-address executable needs none
/// of it; the libraries it loads are still placed at random, its own image is not (set
/// `FUNDSTELLE_PIE=1` when building to keep PIE, as hardened distributions want).
///
/// Only for dynamic builds with the GNU toolchain on Linux, where `cc -no-pie` is known to
/// work (a `crt-static` build asks for `-static-pie` itself). `which` is the binaries it
/// applies to, as in `cargo:rustc-link-arg-{which}`: `bins`, or `bin=NAME`.
fn link_without_pie(which: &str) {
    println!("cargo:rerun-if-env-changed=FUNDSTELLE_PIE");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let static_crt = var("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|feature| feature == "crt-static");
    let keep_pie = std::env::var_os("FUNDSTELLE_PIE").is_some_and(|v| v != "0");
    if var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
        && !static_crt
        && !keep_pie
    {
        println!("cargo:rustc-link-arg-{which}=-no-pie");
    }
}
