-- Schema version 4: the full-text index holds folded text (case, diacritics and letters such
-- as ß, ё and й folded by `embedvault_fold`, a function every writing connection registers),
-- so a search finds a word however it is spelled. The index keeps no copy of the text
-- (contentless, deletable by rowid) and is rebuilt here from the posts already archived.
DROP TRIGGER IF EXISTS posts_fts_insert;
DROP TRIGGER IF EXISTS posts_fts_delete;
DROP TRIGGER IF EXISTS posts_fts_update;
DROP TABLE IF EXISTS posts_fts;
CREATE VIRTUAL TABLE posts_fts USING fts5(
    text, handle, display_name,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO posts_fts(rowid, text, handle, display_name)
    SELECT id, embedvault_fold(text), embedvault_fold(handle), embedvault_fold(display_name)
    FROM posts;
CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts(rowid, text, handle, display_name)
    VALUES (new.id, embedvault_fold(new.text), embedvault_fold(new.handle),
            embedvault_fold(new.display_name));
END;
CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
    DELETE FROM posts_fts WHERE rowid = old.id;
END;
CREATE TRIGGER posts_fts_update AFTER UPDATE OF text, handle, display_name ON posts BEGIN
    DELETE FROM posts_fts WHERE rowid = old.id;
    INSERT INTO posts_fts(rowid, text, handle, display_name)
    VALUES (new.id, embedvault_fold(new.text), embedvault_fold(new.handle),
            embedvault_fold(new.display_name));
END;
