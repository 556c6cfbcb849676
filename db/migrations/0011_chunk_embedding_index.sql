-- An HNSW index where 0008_embedding_type chose pgvector: embedding_distance inlines to this
-- very expression, so similarity queries use it. The real[] fallback scans the campaign's chunks.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN
    EXECUTE 'CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw ((embedding::vector(256)) vector_cosine_ops)';
  END IF;
END $$;
