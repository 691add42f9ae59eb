-- Schema version 2: the URL of a post that a post quotes (a status link inside its text).
ALTER TABLE posts ADD COLUMN quoted_url TEXT;
