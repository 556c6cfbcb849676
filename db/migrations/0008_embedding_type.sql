-- Chunks' embeddings: pgvector where this database offers it (managed Postgres, the embedded
-- PGlite), else a portable real[] searched by a plain SQL function. Chosen here, once; the
-- queries are the same on both, through embedding_distance (inlined on the pgvector path, so
-- its HNSW index serves them). 256 is EMBEDDING_DIMENSIONS in db/src/schema/search-columns.ts.
DO $$
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS vector;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pgvector refused (%): chunks use the real[] fallback', SQLERRM;
  END;
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN
    EXECUTE 'CREATE DOMAIN embedding AS vector CHECK (vector_dims(VALUE) = 256)';
    EXECUTE $f$
      CREATE FUNCTION embedding_distance(a embedding, b real[]) RETURNS float8
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS 'SELECT a::vector(256) <=> b::vector(256)'
    $f$;
  ELSE
    EXECUTE 'CREATE DOMAIN embedding AS real[] CHECK (array_ndims(VALUE) = 1 AND array_length(VALUE, 1) = 256)';
    -- Cosine distance, as pgvector's <=> computes it.
    EXECUTE $f$
      CREATE FUNCTION embedding_distance(a embedding, b real[]) RETURNS float8
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS 'SELECT 1 - sum(x::float8 * y) / nullif(sqrt(sum(x::float8 * x)) * sqrt(sum(y::float8 * y)), 0) FROM unnest(a::real[], b) AS t(x, y)'
    $f$;
  END IF;
END $$;
