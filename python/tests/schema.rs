//! The record's field names, checked against the fixture the Python tests read too
//! (`tests/fixtures/record_fields.json`), so the package's records and the command line's can
//! never drift apart unnoticed: a field added to `Post` fails here until the fixture lists it,
//! and the Python tests then check every record of both against the same list.

use std::path::Path;

fn fixture() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/record_fields.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn names(v: &serde_json::Value, key: &str) -> Vec<String> {
    serde_json::from_value(v[key].clone())
        .unwrap_or_else(|e| panic!("fixture field {key:?} is not a list of names: {e}"))
}

#[test]
fn the_fixture_lists_the_fields_of_a_scanned_and_a_stored_record_in_order() {
    let f = fixture();
    let expected = serde_json::json!({
        "record": embedvault::Post::field_names(),
        "stored": embedvault::StoredPost::field_names(),
    });
    assert_eq!(
        (names(&f, "record"), names(&f, "stored")),
        (
            embedvault::Post::field_names(),
            embedvault::StoredPost::field_names()
        ),
        "the record changed: write this to tests/fixtures/record_fields.json\n{}",
        serde_json::to_string_pretty(&expected).unwrap_or_default()
    );
}

#[test]
fn a_scanned_record_serialises_with_exactly_the_fixtures_fields() {
    let page = r#"<blockquote class="twitter-tweet"><p lang="en">Gauge test.</p>&mdash; Lab (@coastal_lab) <a href="https://twitter.com/coastal_lab/status/1427632593688211498">August 17, 2021</a></blockquote>"#;
    let posts = embedvault::scan_bytes(page.as_bytes(), &embedvault::ScanOptions::default());
    assert_eq!(posts.len(), 1);
    let serde_json::Value::Object(record) = serde_json::to_value(&posts[0]).expect("serialises")
    else {
        panic!("a record serialises as an object");
    };
    let keys: Vec<String> = record.keys().cloned().collect();
    assert_eq!(keys, names(&fixture(), "record"));
}
