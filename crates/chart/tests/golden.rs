//! Golden images: the four kinds of chart compared byte for byte with `tests/golden/*.png`.
//! `UPDATE_GOLDEN=1 cargo test -p chart --test golden` rewrites them; look at them before
//! committing (the crate README describes what each must show).

mod common;

use std::path::PathBuf;

fn check(name: &str, spec: chart::ChartSpec) {
    let png = chart::render_png(&spec).expect("the chart renders");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/{name}.png"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &png).expect("golden file written");
        return;
    }
    let golden = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
    if golden != png {
        let actual = std::env::temp_dir().join(format!("chart-golden-{name}.png"));
        let _ = std::fs::write(&actual, &png);
        panic!(
            "{name}.png differs from the rendered chart (written to {}); UPDATE_GOLDEN=1 rewrites it",
            actual.display()
        );
    }
}

#[test]
fn alarm_chart_matches_golden() {
    check("alarm", common::alarm());
}

#[test]
fn ok_chart_matches_golden() {
    check("ok", common::ok());
}

#[test]
fn anomaly_chart_matches_golden() {
    check("anomaly", common::anomaly());
}

#[test]
fn nodata_chart_matches_golden() {
    check("nodata", common::nodata());
}
