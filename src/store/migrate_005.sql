-- Schema version 5: a new post enters the full-text index through a statement of its own, run by
-- the writer right after the post's insert, instead of a trigger on that insert. With the
-- trigger, every insert of a post ran with a statement journal, and FTS5 writes its pending
-- terms out at each one: a new index segment per post, and every page the insert touched copied
-- into the journal. Updates and deletes keep their triggers. The index itself is unchanged.
DROP TRIGGER IF EXISTS posts_fts_insert;
