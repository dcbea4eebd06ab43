//! Synthetic charts shared by the tests, the golden images and the benchmark. The "noise" is a
//! fixed integer hash, so every run draws the same data.
#![allow(dead_code)]

use chart::{AlarmState, ChartSpec, Series, Threshold};

/// 2026-12-04T12:00:00Z.
pub const NOON: i64 = 1_796_385_600_000;
pub const MINUTE: i64 = 60_000;
pub const HOUR: i64 = 60 * MINUTE;

/// A repeatable value in 0..1 for step `i`.
pub fn jitter(i: i64) -> f64 {
    let x = (i as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(17)
        ^ 0x5851_F42D_4C95_7F2D;
    (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
}

/// Lambda errors, one a minute for 3 hours (180 points), quiet then a burst in the last
/// twenty minutes that crosses `> 5`: the alarm fired at 11:45.
pub fn alarm() -> ChartSpec {
    let start = NOON - 3 * HOUR;
    let points = (0..180)
        .map(|i| {
            let t = start + (i + 1) * MINUTE;
            let base = (jitter(i) * 3.0).floor();
            let v = if i >= 160 {
                base + 4.0 + (i - 160) as f64 * 0.35
            } else {
                base
            };
            (t, v)
        })
        .collect();
    let changed = NOON - 15 * MINUTE;
    ChartSpec {
        title: "AWS/Lambda Errors (Sum, 60 s)".into(),
        unit: Some("Count".into()),
        series: vec![Series {
            label: "FunctionName=checkout".into(),
            points,
        }],
        threshold: Threshold::Above(5.0),
        window: (start, NOON),
        state_change: Some((changed, AlarmState::Alarm)),
        evaluation: Some((changed - 3 * MINUTE, changed)),
        ..ChartSpec::new("", (0, 1))
    }
}

/// EC2 CPU every 5 minutes, a busy spell that crossed `> 80` and went back: OK at 11:20.
pub fn ok() -> ChartSpec {
    let start = NOON - 3 * HOUR;
    let points = (0..36)
        .map(|i| {
            let t = start + (i + 1) * 5 * MINUTE;
            let hump = 50.0 * (-((i as f64 - 22.0) / 4.0).powi(2)).exp();
            (t, 35.0 + hump + jitter(i) * 8.0)
        })
        .collect();
    let changed = NOON - 40 * MINUTE;
    ChartSpec {
        title: "AWS/EC2 CPUUtilization (Average, 300 s)".into(),
        unit: Some("Percent".into()),
        series: vec![Series {
            label: "InstanceId=i-0abc1234def567890".into(),
            points,
        }],
        threshold: Threshold::Above(80.0),
        window: (start, NOON),
        state_change: Some((changed, AlarmState::Ok)),
        evaluation: Some((changed - 15 * MINUTE, changed)),
        ..ChartSpec::new("", (0, 1))
    }
}

/// API latency against an anomaly-detection band (a daily wave ± 30 ms); the last half hour
/// runs far above the band.
pub fn anomaly() -> ChartSpec {
    let start = NOON - 3 * HOUR;
    let expected = |i: i64| 120.0 + 40.0 * (i as f64 / 30.0).sin();
    let times = (0..180).map(|i| (i, start + (i + 1) * MINUTE));
    let points = times
        .clone()
        .map(|(i, t)| {
            let spike = if i >= 150 {
                60.0 + (i - 150) as f64 * 2.0
            } else {
                0.0
            };
            (t, expected(i) + (jitter(i) - 0.5) * 30.0 + spike)
        })
        .collect();
    let lower = times
        .clone()
        .map(|(i, t)| (t, expected(i) - 30.0))
        .collect();
    let upper = times.map(|(i, t)| (t, expected(i) + 30.0)).collect();
    let changed = NOON - 25 * MINUTE;
    ChartSpec {
        title: "AWS/ApiGateway Latency (p90, 60 s)".into(),
        unit: Some("Milliseconds".into()),
        series: vec![Series {
            label: "ApiName=orders".into(),
            points,
        }],
        threshold: Threshold::Band { lower, upper },
        window: (start, NOON),
        state_change: Some((changed, AlarmState::Alarm)),
        evaluation: Some((changed - 5 * MINUTE, changed)),
        ..ChartSpec::new("", (0, 1))
    }
}

/// An alarm on invocations `< 1` with nothing in the window: INSUFFICIENT_DATA.
pub fn nodata() -> ChartSpec {
    ChartSpec {
        title: "AWS/Lambda Invocations (Sum, 300 s)".into(),
        unit: Some("Count".into()),
        series: vec![Series {
            label: "FunctionName=nightly-report".into(),
            points: vec![],
        }],
        threshold: Threshold::Below(1.0),
        window: (NOON - 3 * HOUR, NOON),
        state_change: Some((NOON - 50 * MINUTE, AlarmState::InsufficientData)),
        evaluation: None,
        ..ChartSpec::new("", (0, 1))
    }
}

/// Decodes a PNG into (width, height, RGB bytes).
pub fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("a sane PNG size")];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// The pixel at column `x`, row `y`.
pub fn pixel(img: &(u32, u32, Vec<u8>), x: i32, y: i32) -> (u8, u8, u8) {
    let i = (y as usize * img.0 as usize + x as usize) * 3;
    (img.2[i], img.2[i + 1], img.2[i + 2])
}
