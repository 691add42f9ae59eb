//! `embedvault import`: rows made by the library's exchange form (as the Python package and the
//! Spark job make them), as JSON lines and as Parquet files, give the archive `archive` gives
//! on the same inputs; importing again adds nothing; bad files and rows are named and the rest
//! is read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use embedvault::exchange::{self, Row, ScannedInput};
use embedvault::{Inputs, Outcome, ReadOptions};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use crate::support::{root, run, temp_dir};
use crate::warc::{Layout, write_warc};

/// What an archive holds, table by table, without row IDs, runs and times (which say when, not
/// what): every source, every post and every sighting (joined to its post's identity and its
/// source's key), each row as text, sorted.
fn holdings(db: &Path) -> BTreeMap<&'static str, Vec<String>> {
    let c = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("archive opens");
    let volatile = [
        "id",
        "first_archived",
        "last_archived",
        "first_run",
        "first_seen",
        "last_seen",
        "run",
        "archived_at",
        "post",
        "source",
    ];
    let columns = |table: &str, prefix: &str| -> Vec<String> {
        let mut stmt = c
            .prepare(&format!("PRAGMA table_info({table})"))
            .expect("pragma");
        let names: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(1))
            .expect("columns")
            .map(|n| n.expect("name"))
            .filter(|n| !volatile.contains(&n.as_str()))
            .collect();
        names.iter().map(|n| format!("{prefix}\"{n}\"")).collect()
    };
    let rows = |sql: &str| -> Vec<String> {
        let mut stmt = c.prepare(sql).expect("select");
        let n = stmt.column_count();
        let mut out: Vec<String> = stmt
            .query_map([], |r| {
                let cells: Vec<rusqlite::types::Value> =
                    (0..n).map(|i| r.get(i)).collect::<Result<_, _>>()?;
                Ok(format!("{cells:?}"))
            })
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        out.sort();
        out
    };
    let mut out = BTreeMap::new();
    out.insert(
        "sources",
        rows(&format!(
            "SELECT {} FROM sources",
            columns("sources", "").join(", ")
        )),
    );
    out.insert(
        "posts",
        rows(&format!(
            "SELECT {} FROM posts",
            columns("posts", "").join(", ")
        )),
    );
    out.insert(
        "sightings",
        rows(&format!(
            "SELECT p.identity, s.input_key, s.sha256, {} FROM sightings g
             JOIN posts p ON p.id = g.post JOIN sources s ON s.id = g.source",
            columns("sightings", "g.").join(", ")
        )),
    );
    out
}

fn assert_same_holdings(a: &Path, b: &Path) {
    let (ha, hb) = (holdings(a), holdings(b));
    for table in ["sources", "posts", "sightings"] {
        assert!(!ha[table].is_empty(), "{table} is empty");
        let only_a: Vec<_> = ha[table]
            .iter()
            .filter(|r| !hb[table].contains(r))
            .collect();
        let only_b: Vec<_> = hb[table]
            .iter()
            .filter(|r| !ha[table].contains(r))
            .collect();
        assert!(
            only_a.is_empty() && only_b.is_empty(),
            "{table} differ:\n only in {}: {only_a:#?}\n only in {}: {only_b:#?}",
            a.display(),
            b.display()
        );
    }
}

/// Every input of `paths` in the exchange form, as the Python package's `scan_warc` gives it.
fn exchanged(paths: &[PathBuf]) -> (Vec<ScannedInput>, usize) {
    let mut found = Vec::new();
    let mut failed = 0;
    exchange::scan(
        &Inputs::paths(paths),
        &ReadOptions::default(),
        |o| -> Result<(), ()> {
            match o {
                Outcome::Read(s) => found.push(s),
                Outcome::Failed { .. } => failed += 1,
                Outcome::Skipped { .. } => {}
            }
            Ok(())
        },
    )
    .expect("scan");
    (found, failed)
}

fn ok(args: &[&str]) -> String {
    let out = run(args, None);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "embedvault {args:?}: {err}");
    err
}

/// Archives `inputs` into `db`; the test WARC's truncated record fails the run (exit 1).
fn archive_with_truncated_record(inputs: &[&Path], db: &Path) {
    let mut args = vec!["archive"];
    args.extend(inputs.iter().map(|p| s(p)));
    args.extend(["--db", s(db), "-q"]);
    let out = run(&args, None);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the truncated record fails the archive run"
    );
}

/// An import that added nothing: no post, no sighting.
fn assert_nothing_new(said: &str) {
    assert!(
        said.contains("posts 0 new,") && said.contains("; 0 new sighting(s);"),
        "{said}"
    );
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// One column's value of a row, as bytes.
type Cell = dyn Fn(&Row) -> Option<Vec<u8>>;

/// Writes `rows` as one Parquet file with the Spark job's import columns.
fn write_parquet(path: &Path, rows: &[Row]) {
    let schema = Arc::new(
        parse_message_type(
            "message spark_schema {
                optional binary record (UTF8);
                optional binary input (UTF8);
                optional binary fragment;
                optional boolean fragment_truncated;
                optional binary text (UTF8);
            }",
        )
        .expect("schema"),
    );
    let file = std::fs::File::create(path).expect("create");
    let mut w =
        SerializedFileWriter::new(file, schema, Arc::new(WriterProperties::builder().build()))
            .expect("writer");
    let mut group = w.next_row_group().expect("row group");
    let strings = |f: &dyn Fn(&Row) -> Option<Vec<u8>>| {
        let mut values = Vec::new();
        let mut defs = Vec::new();
        for r in rows {
            match f(r) {
                Some(v) => {
                    values.push(ByteArray::from(v));
                    defs.push(1);
                }
                None => defs.push(0),
            }
        }
        (values, defs)
    };
    let columns: [Box<Cell>; 3] = [
        Box::new(|r| {
            r.record
                .as_ref()
                .map(|p| serde_json::to_vec(p).expect("json"))
        }),
        Box::new(|r| Some(serde_json::to_vec(&r.input).expect("json"))),
        Box::new(|r| {
            r.fragment
                .as_ref()
                .map(|t| t.as_bytes().to_vec())
                .or_else(|| r.fragment_hex.as_ref().map(|h| hex_decode(h)))
        }),
    ];
    for col in &columns {
        let (values, defs) = strings(col.as_ref());
        let mut c = group.next_column().expect("column").expect("one more");
        c.typed::<ByteArrayType>()
            .write_batch(&values, Some(&defs), None)
            .expect("write");
        c.close().expect("close");
    }
    let flags: Vec<bool> = rows.iter().map(|r| r.fragment_truncated).collect();
    let mut c = group.next_column().expect("column").expect("one more");
    c.typed::<BoolType>()
        .write_batch(&flags, Some(&vec![1; rows.len()]), None)
        .expect("write");
    c.close().expect("close");
    // A column the import does not need (the record's fields spread out for SQL).
    let (values, defs) = strings(&|r: &Row| {
        r.record
            .as_ref()
            .and_then(|p| p.text.clone())
            .map(String::into_bytes)
    });
    let mut c = group.next_column().expect("column").expect("one more");
    c.typed::<ByteArrayType>()
        .write_batch(&values, Some(&defs), None)
        .expect("write");
    c.close().expect("close");
    group.close().expect("close group");
    w.close().expect("close file");
}

fn hex_decode(h: &str) -> Vec<u8> {
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).expect("hex"))
        .collect()
}

fn rows_of(inputs: &[ScannedInput]) -> Vec<Row> {
    inputs.iter().flat_map(ScannedInput::rows).collect()
}

#[test]
fn rows_as_json_lines_in_any_order_import_to_the_archive_archive_gives() {
    let dir = temp_dir("import-jsonl");
    let (warc, _) = write_warc(&dir, Layout::GzipPerRecord);
    let samples = root().join("samples").join("twitter");
    let quiet = dir.join("quiet.html");
    std::fs::write(
        &quiet,
        "<html><title>Nothing embedded</title><p>Just words.</p>",
    )
    .expect("write");
    let (inputs, failed) = exchanged(&[warc.clone(), samples.clone(), quiet.clone()]);
    assert_eq!(failed, 1, "the written WARC holds one truncated record");
    let mut rows = rows_of(&inputs);
    assert!(
        rows.iter().any(|r| r.record.is_none()),
        "an input without posts is a row too"
    );
    rows.reverse();
    let lines: String = rows
        .iter()
        .map(|r| serde_json::to_string(r).expect("json") + "\n")
        .collect();
    let file = dir.join("rows.jsonl");
    std::fs::write(&file, lines).expect("write");
    let (imported, archived) = (dir.join("imported.db"), dir.join("archived.db"));
    let said = ok(&["import", s(&file), "--db", s(&imported)]);
    assert!(said.contains("imported into"), "{said}");
    archive_with_truncated_record(&[&warc, &samples, &quiet], &archived);
    assert_same_holdings(&imported, &archived);
    // Again: nothing new, and still the same.
    let again = ok(&["import", s(&file), "--db", s(&imported)]);
    assert_nothing_new(&again);
    assert_same_holdings(&imported, &archived);
    // The kept fragment is the sighting's exact bytes: `show --raw` from the imported archive
    // cuts the same bytes from the WARC as from the archived one.
    let id = inputs
        .iter()
        .flat_map(|i| &i.posts)
        .find_map(|p| p.source.warc.as_ref().and(p.post_id.clone()))
        .expect("a post from the WARC with an ID");
    let raw = |db: &Path| run(&["show", &id, "--raw", "--db", s(db)], None).stdout;
    assert!(!raw(&imported).is_empty());
    assert_eq!(raw(&imported), raw(&archived));
}

#[test]
fn a_parquet_dataset_partitioned_by_platform_imports_to_the_archive_archive_gives() {
    let dir = temp_dir("import-parquet");
    let (warc, _) = write_warc(&dir, Layout::Plain);
    let samples = root().join("samples");
    let (inputs, _) = exchanged(&[warc.clone(), samples.clone()]);
    let rows = rows_of(&inputs);
    // As Spark writes it: a folder per platform (inputs without posts under the default
    // partition), several part files, and the job's markers beside them.
    let data = dir.join("dataset");
    let mut by_platform: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for r in rows {
        let key = r
            .record
            .as_ref()
            .map_or("__HIVE_DEFAULT_PARTITION__".into(), |p| {
                p.platform.to_string()
            });
        by_platform.entry(key).or_default().push(r);
    }
    assert!(by_platform.len() >= 10, "{:?}", by_platform.keys());
    for (platform, rows) in &by_platform {
        let part = data.join(format!("platform={platform}"));
        std::fs::create_dir_all(&part).expect("mkdir");
        let half = rows.len() / 2;
        write_parquet(&part.join("part-00000-x.snappy.parquet"), &rows[..half]);
        write_parquet(&part.join("part-00001-x.snappy.parquet"), &rows[half..]);
        std::fs::write(part.join(".part-00000-x.snappy.parquet.crc"), b"crc").expect("crc");
    }
    std::fs::write(data.join("_SUCCESS"), b"").expect("marker");
    let (imported, archived) = (dir.join("imported.db"), dir.join("archived.db"));
    ok(&["import", s(&data), "--db", s(&imported)]);
    archive_with_truncated_record(&[&warc, &samples], &archived);
    assert_same_holdings(&imported, &archived);
    // The same dataset named twice in one run, and once more: nothing doubles.
    let again = ok(&["import", s(&data), s(&data), "--db", s(&imported)]);
    assert_nothing_new(&again);
    assert_same_holdings(&imported, &archived);
}

#[test]
fn bad_files_and_rows_are_named_and_the_rest_is_imported() {
    let dir = temp_dir("import-bad");
    let samples = root().join("samples").join("instagram");
    let (inputs, _) = exchanged(std::slice::from_ref(&samples));
    let rows = rows_of(&inputs);
    let mut lines: Vec<String> = rows
        .iter()
        .map(|r| serde_json::to_string(r).expect("json"))
        .collect();
    lines.insert(1, "{\"input\": 7}".into());
    lines.insert(2, "not json at all".into());
    lines.insert(3, "[1, 2]".into());
    let file = dir.join("rows.jsonl");
    std::fs::write(&file, lines.join("\n")).expect("write");
    let corrupt = dir.join("broken.parquet");
    std::fs::write(&corrupt, b"PAR1 this is not a parquet file PAR1").expect("write");
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let missing = dir.join("missing.jsonl");
    let db = dir.join("a.db");
    let out = run(
        &[
            "import",
            s(&corrupt),
            s(&file),
            s(&missing),
            s(&empty),
            "--db",
            s(&db),
        ],
        None,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for named in [
        format!("{}: not a readable Parquet file", s(&corrupt)),
        format!("{}:2: its `input` is not one", s(&file)),
        format!("{}:3: not JSON", s(&file)),
        format!("{}:4: not a JSON object", s(&file)),
        format!("{}: cannot read it", s(&missing)),
        format!("{}: no Parquet or JSON lines files", s(&empty)),
    ] {
        assert!(err.contains(&named), "{named:?} not in:\n{err}");
    }
    assert!(err.contains("; 6 failed"), "{err}");
    // Everything good was stored, as archive stores it.
    let archived = dir.join("archived.db");
    ok(&["archive", s(&samples), "--db", s(&archived), "-q"]);
    assert_same_holdings(&db, &archived);
    // The failures are recorded with the run.
    let out = run(&["stats", "--db", s(&db), "--format", "json"], None);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["failures"].as_u64(), Some(6), "{v}");
}

#[test]
fn bare_records_from_scan_import_with_the_posts_archive_finds() {
    let dir = temp_dir("import-bare");
    let samples = root().join("samples");
    let out = run(&["scan", "--format", "jsonl", s(&samples)], None);
    assert!(out.status.success());
    let file = dir.join("found.jsonl");
    std::fs::write(&file, &out.stdout).expect("write");
    let (imported, archived) = (dir.join("imported.db"), dir.join("archived.db"));
    // From standard input too.
    let said = run(&["import", "-", "--db", s(&imported)], Some(&out.stdout));
    assert!(
        said.status.success(),
        "{}",
        String::from_utf8_lossy(&said.stderr)
    );
    ok(&["archive", s(&samples), "--db", s(&archived), "-q"]);
    let (a, b) = (holdings(&imported), holdings(&archived));
    assert_eq!(a["posts"], b["posts"], "the same posts, field for field");
    assert_eq!(a["sightings"].len(), b["sightings"].len());
}

#[test]
fn an_export_imports_every_sighting_of_every_post() {
    let dir = temp_dir("import-export");
    let samples = root().join("samples");
    let (archived, imported) = (dir.join("archived.db"), dir.join("imported.db"));
    ok(&["archive", s(&samples), "--db", s(&archived), "-q"]);
    let out = run(&["export", "--db", s(&archived)], None);
    assert!(out.status.success());
    let file = dir.join("export.jsonl");
    std::fs::write(&file, &out.stdout).expect("write");
    ok(&["import", s(&file), "--db", s(&imported)]);
    // Every sighting comes back at its place (post, input, span), not only each post's first.
    let places = |db: &Path| -> Vec<String> {
        let c = rusqlite::Connection::open(db).expect("open");
        let mut stmt = c
            .prepare(
                "SELECT p.identity, s.input_key, s.sha256, g.start, g.\"end\", g.line, g.form,
                        g.kind, g.detector, g.version
                 FROM sightings g JOIN posts p ON p.id = g.post JOIN sources s ON s.id = g.source
                 ORDER BY 1, 2, 4",
            )
            .expect("select");
        stmt.query_map([], |r| {
            Ok(format!(
                "{:?}",
                (0..10)
                    .map(|i| r.get::<_, rusqlite::types::Value>(i))
                    .collect::<Result<Vec<_>, _>>()?
            ))
        })
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect()
    };
    let (a, b) = (places(&archived), places(&imported));
    assert!(a.len() > 200, "{}", a.len());
    assert_eq!(a, b);
    assert_eq!(
        holdings(&archived)["posts"].len(),
        holdings(&imported)["posts"].len()
    );
}
