-- Schema version 3: where a source came from beyond a file (a record in a web archive, a page
-- fetched from a URL), the fetched page itself, and what the article says about itself.

-- A record of a WARC file (or of a WARC inside a WACZ package).
ALTER TABLE sources ADD COLUMN warc_path TEXT;          -- the WARC or WACZ file, absolute
ALTER TABLE sources ADD COLUMN warc_entry TEXT;         -- the WARC's name inside a WACZ
ALTER TABLE sources ADD COLUMN warc_offset INTEGER;     -- where the record starts (see warc_offsets)
ALTER TABLE sources ADD COLUMN warc_length INTEGER;     -- its length, from that offset
ALTER TABLE sources ADD COLUMN warc_offsets TEXT;       -- 'file': offset and length of the record in
                                                        -- the file; 'gzip-member': of the gzip member
                                                        -- holding it; 'decompressed': in the whole
                                                        -- file's decompressed bytes
ALTER TABLE sources ADD COLUMN warc_record_id TEXT;     -- WARC-Record-ID
ALTER TABLE sources ADD COLUMN warc_target_uri TEXT;    -- WARC-Target-URI
ALTER TABLE sources ADD COLUMN warc_date TEXT;          -- WARC-Date

-- A page fetched from a URL.
ALTER TABLE sources ADD COLUMN requested_url TEXT;      -- the URL as given
ALTER TABLE sources ADD COLUMN final_url TEXT;          -- after redirects
ALTER TABLE sources ADD COLUMN redirects TEXT;          -- JSON array of the URLs redirected through
ALTER TABLE sources ADD COLUMN http_status INTEGER;     -- of the final response (WARC responses too)
ALTER TABLE sources ADD COLUMN content_type TEXT;       -- as served (WARC responses too)
ALTER TABLE sources ADD COLUMN fetched_at TEXT;         -- RFC 3339 UTC
ALTER TABLE sources ADD COLUMN page BLOB;               -- the page's bytes (the ones spans refer to),
ALTER TABLE sources ADD COLUMN page_compression TEXT;   -- compressed this way ('gzip')

-- What the article says about itself.
ALTER TABLE sources ADD COLUMN title TEXT;
ALTER TABLE sources ADD COLUMN canonical_url TEXT;
ALTER TABLE sources ADD COLUMN published TEXT;          -- as shown
ALTER TABLE sources ADD COLUMN published_at TEXT;       -- parsed, RFC 3339
ALTER TABLE sources ADD COLUMN authors TEXT NOT NULL DEFAULT '[]'; -- JSON array
ALTER TABLE sources ADD COLUMN site TEXT;               -- the site or publication name
ALTER TABLE sources ADD COLUMN lang TEXT;               -- the article's language
