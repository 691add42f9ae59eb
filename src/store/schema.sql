-- embedvault archive, schema version 1.
--
-- sources:   one row per input identity (its path, or its URL, or standard input) at one content
--            version (sha256): a changed file is a new row, the same file archived again is not.
-- posts:     one row per distinct post (identity key unique), with every field of the record.
-- sightings: one row per place a post was seen: post x source x span, with how it was found,
--            by which version, in which run, and the raw bytes of the embed.
-- runs:      one row per `archive` invocation, with its counts.
-- failures:  inputs a run could not read, with the reason.
-- posts_fts: full-text index over text, handle and display name, kept in sync by triggers.

CREATE TABLE runs (
    id                INTEGER PRIMARY KEY,
    started_at        TEXT NOT NULL,
    finished_at       TEXT,
    version           TEXT NOT NULL,
    args              TEXT NOT NULL,            -- JSON array of the command-line arguments
    inputs_seen       INTEGER NOT NULL DEFAULT 0,
    inputs_with_posts INTEGER NOT NULL DEFAULT 0,
    posts_new         INTEGER NOT NULL DEFAULT 0,
    posts_known       INTEGER NOT NULL DEFAULT 0,
    sightings_new     INTEGER NOT NULL DEFAULT 0,
    sources_new       INTEGER NOT NULL DEFAULT 0,
    failures          INTEGER NOT NULL DEFAULT 0,
    skipped           INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sources (
    id             INTEGER PRIMARY KEY,
    input_key      TEXT NOT NULL,               -- absolute path, URL, or '' for standard input
    path           TEXT,                        -- the path as given or found
    url            TEXT,                        -- the article's URL when known
    sha256         TEXT NOT NULL,
    size           INTEGER NOT NULL,
    gzip           INTEGER NOT NULL DEFAULT 0,
    charset        TEXT NOT NULL,
    charset_rule   TEXT NOT NULL,
    first_archived TEXT NOT NULL,
    last_archived  TEXT NOT NULL,
    first_run      INTEGER NOT NULL REFERENCES runs(id),
    UNIQUE (input_key, sha256)
);
CREATE INDEX sources_sha256 ON sources(sha256);

CREATE TABLE posts (
    id           INTEGER PRIMARY KEY,
    identity     TEXT NOT NULL UNIQUE,          -- platform + post ID, or platform + handle + date + text
    sig_key      TEXT,                          -- platform + handle + date + text, to join ID-less copies
    platform     TEXT NOT NULL,
    kind         TEXT NOT NULL,                 -- 'embed' once any sighting is an embed
    form         TEXT NOT NULL,
    post_id      TEXT,
    url          TEXT,
    handle       TEXT,
    display_name TEXT,
    date_text    TEXT,
    date         TEXT,
    created_at   TEXT,
    lang         TEXT,
    text         TEXT,
    media        TEXT NOT NULL DEFAULT '[]',    -- JSON array
    links        TEXT NOT NULL DEFAULT '[]',    -- JSON array
    notes        TEXT NOT NULL DEFAULT '[]',    -- JSON array
    detector     TEXT NOT NULL,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL
);
CREATE INDEX posts_sig_key ON posts(sig_key);
CREATE INDEX posts_platform ON posts(platform, kind);
CREATE INDEX posts_handle ON posts(handle COLLATE NOCASE);
CREATE INDEX posts_post_id ON posts(post_id);

CREATE TABLE sightings (
    id                 INTEGER PRIMARY KEY,
    post               INTEGER NOT NULL REFERENCES posts(id),
    source             INTEGER NOT NULL REFERENCES sources(id),
    run                INTEGER NOT NULL REFERENCES runs(id),
    kind               TEXT NOT NULL,
    form               TEXT NOT NULL,
    detector           TEXT NOT NULL,
    version            TEXT NOT NULL,           -- embedvault version that found it
    start              INTEGER NOT NULL,        -- byte offsets in the source's bytes
    "end"              INTEGER NOT NULL,
    line               INTEGER NOT NULL,
    fragment           BLOB NOT NULL,           -- the raw bytes of the span, capped
    fragment_truncated INTEGER NOT NULL DEFAULT 0,
    record             TEXT NOT NULL,           -- the record as found here (JSON)
    conflicts          TEXT NOT NULL DEFAULT '{}', -- fields whose value here differs from the post's
    archived_at        TEXT NOT NULL,
    UNIQUE (post, source, start, "end")
);
CREATE INDEX sightings_source ON sightings(source);

CREATE TABLE failures (
    id      INTEGER PRIMARY KEY,
    run     INTEGER NOT NULL REFERENCES runs(id),
    input   TEXT NOT NULL,
    message TEXT NOT NULL,
    at      TEXT NOT NULL
);

CREATE VIRTUAL TABLE posts_fts USING fts5(
    text, handle, display_name,
    content = 'posts', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts(rowid, text, handle, display_name)
    VALUES (new.id, new.text, new.handle, new.display_name);
END;
CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts(posts_fts, rowid, text, handle, display_name)
    VALUES ('delete', old.id, old.text, old.handle, old.display_name);
END;
CREATE TRIGGER posts_fts_update AFTER UPDATE OF text, handle, display_name ON posts BEGIN
    INSERT INTO posts_fts(posts_fts, rowid, text, handle, display_name)
    VALUES ('delete', old.id, old.text, old.handle, old.display_name);
    INSERT INTO posts_fts(rowid, text, handle, display_name)
    VALUES (new.id, new.text, new.handle, new.display_name);
END;
