//! Models straight into JSON (the `serde` feature): a model deriving both `Model` and
//! `Serialize` is loaded from the emulator and written as JSON with the value types' own
//! forms (ISO date, CQL duration literal, RFC 3339 timestamp, vector as an array), then read
//! back with `Deserialize`.

use cassia::prelude::*;
use cassia_driver::{CqlDate, CqlDuration, CqlTimestamp, Session};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Model, Serialize, Deserialize)]
#[cassia(table = "sessions")]
struct Workout {
    #[cassia(partition_key)]
    id: i32,
    day: CqlDate,
    length: CqlDuration,
    started: Option<CqlTimestamp>,
    embedding: [f32; 3],
}

fn workout() -> Workout {
    Workout {
        id: 7,
        day: CqlDate::from(chrono::NaiveDate::from_ymd_opt(2024, 2, 29).expect("valid date")),
        length: CqlDuration {
            months: 0,
            days: 1,
            nanoseconds: 5_400_000_000_000,
        },
        started: Some(CqlTimestamp(1_709_214_300_123)),
        embedding: [0.5, -1.0, 0.25],
    }
}

const JSON: &str = r#"{"id":7,"day":"2024-02-29","length":"1d1h30m","started":"2024-02-29T13:45:00.123Z","embedding":[0.5,-1.0,0.25]}"#;

#[test]
fn a_model_serializes_to_the_expected_json() {
    assert_eq!(serde_json::to_string(&workout()).expect("serializes"), JSON);
    let back: Workout = serde_json::from_str(JSON).expect("deserializes");
    assert_eq!(back, workout());
}

#[cassia::test(models(Workout))]
async fn a_loaded_model_goes_straight_to_json(s: Session) {
    workout().insert().execute_on(&s).await.expect("insert");

    let loaded = Workout::objects()
        .filter(Workout::ID.eq(7))
        .get_on(&s)
        .await
        .expect("load");
    assert_eq!(serde_json::to_string(&loaded).expect("serializes"), JSON);
}
