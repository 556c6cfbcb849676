-- A campaign's neighbourhood walk (db/src/repos/neighbourhood.ts says what it returns), as a
-- function so that its plans are made once per server session and kept: plpgsql caches the plan
-- of each statement, which statements sent as text (unnamed, as Hyperdrive, the transaction
-- pooler and the embedded multiplexer need) never get. It runs as its caller, under RLS.
-- Breadth first with uuid[] frontiers: each step reads the frontier's edges both ways by index
-- (relationships_edge leads with source_id, relationships_target), keeps those not walked at the
-- step before (an end among `earlier`), and places the ends not placed yet. STABLE, so every
-- statement sees the caller's snapshot: an edge found by index is fetched again by its ctid, not
-- by a second index descent.
CREATE FUNCTION knowledge_neighbourhood(p_tenant text, p_campaign uuid, p_start uuid, p_depth int, p_confirmed_only boolean)
RETURNS TABLE (depth int, entity entities, edge relationships)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  frontier uuid[] := ARRAY[p_start];
  placed uuid[] := ARRAY[p_start];
  earlier uuid[] := '{}';
  walked tid[];
  ends uuid[];
BEGIN
  RETURN QUERY SELECT 0, e, NULL::relationships FROM entities e WHERE e.id = p_start AND e.tenant_id = p_tenant AND e.campaign_id = p_campaign;
  IF NOT FOUND THEN RETURN; END IF;
  FOR step IN 1..p_depth LOOP
    SELECT coalesce(array_agg(t.ctid), '{}'), coalesce(array_agg(t.source_id) || array_agg(t.target_id), '{}') INTO walked, ends
    FROM (
      SELECT r.ctid, r.source_id, r.target_id FROM relationships r
      WHERE r.source_id = ANY (frontier) AND r.tenant_id = p_tenant AND r.campaign_id = p_campaign AND (r.dm_confirmed OR NOT p_confirmed_only)
      UNION
      SELECT r.ctid, r.source_id, r.target_id FROM relationships r
      WHERE r.target_id = ANY (frontier) AND r.tenant_id = p_tenant AND r.campaign_id = p_campaign AND (r.dm_confirmed OR NOT p_confirmed_only)
    ) t
    WHERE NOT (t.source_id = ANY (earlier) OR t.target_id = ANY (earlier));
    RETURN QUERY SELECT step, NULL::entities, r FROM relationships r WHERE r.ctid = ANY (walked);
    SELECT coalesce(array_agg(n.id), '{}') INTO frontier FROM (SELECT unnest(ends) EXCEPT SELECT unnest(placed)) n(id);
    RETURN QUERY SELECT step, e, NULL::relationships FROM entities e WHERE e.id = ANY (frontier) AND e.tenant_id = p_tenant AND e.campaign_id = p_campaign;
    earlier := placed;
    placed := placed || frontier;
  END LOOP;
END $$;
