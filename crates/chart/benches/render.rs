//! A 3-hour window at 1-minute resolution (180 points) with a threshold, the breaching shade,
//! the evaluation band and the state change, drawn and encoded as PNG; and the same against an
//! anomaly band. Targets (issue 13): under 20 ms a chart, under 100 KB a PNG.
//! The PNG sizes are printed once before the timings.

use criterion::{black_box, criterion_group, criterion_main, Criterion};

#[path = "../tests/common/mod.rs"]
mod common;

fn render(c: &mut Criterion) {
    for (name, spec) in [
        ("alarm_180_points", common::alarm()),
        ("anomaly_band_180_points", common::anomaly()),
    ] {
        match chart::render_png(&spec) {
            Ok(png) => println!("{name}: PNG {} bytes", png.len()),
            Err(e) => panic!("{name} does not render: {e}"),
        }
        c.bench_function(name, |b| b.iter(|| chart::render_png(black_box(&spec))));
    }
}

criterion_group!(benches, render);
criterion_main!(benches);
