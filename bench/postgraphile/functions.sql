-- What PostGraphile needs to serve the benchmark's queries with the API's sets and orders, in a schema of its own:
-- the API's tables are left as they are. `python -m bench` runs this file (again) before it starts PostGraphile.
-- Each function is a plain SQL one, STABLE and not STRICT, so PostgreSQL inlines it into PostGraphile's query.
-- A function whose first argument is a table's row is a field of that table's type ("computed column"):
-- postgraphile_bench.country_relations(country) is `Country.relations`.

CREATE SCHEMA IF NOT EXISTS postgraphile_bench;

-- A country's relations are those where it is either side of the pair, by slug (as `Country.relations`).
CREATE OR REPLACE FUNCTION postgraphile_bench.country_relations(country public.country)
RETURNS SETOF public.relation LANGUAGE sql STABLE AS $$
    SELECT relation.* FROM public.relation
    WHERE relation.country_a_id = country.id OR relation.country_b_id = country.id
    ORDER BY relation.slug
$$;

-- An event's participants, people first, then by key and role (as `Event.participants`): a list, not a connection.
CREATE OR REPLACE FUNCTION postgraphile_bench.event_participants(event public.event)
RETURNS SETOF public.event_participant LANGUAGE sql STABLE AS $$
    SELECT participant.* FROM public.event_participant AS participant
    WHERE participant.event_id = event.id
    ORDER BY participant.person_id IS NULL, participant.key, participant.role, participant.id
$$;
COMMENT ON FUNCTION postgraphile_bench.event_participants(public.event) IS E'@behavior -connection +list';

-- Citations name their subject by type and id, with no foreign key: an event's and a relation's, in the API's order.
CREATE OR REPLACE FUNCTION postgraphile_bench.event_citations(event public.event)
RETURNS SETOF public.citation LANGUAGE sql STABLE AS $$
    SELECT citation.* FROM public.citation
    WHERE citation.subject_type = 'event' AND citation.subject_id = event.id
    ORDER BY citation.source_id, citation.start, citation."end", citation.id
$$;
COMMENT ON FUNCTION postgraphile_bench.event_citations(public.event) IS E'@behavior -connection +list';

CREATE OR REPLACE FUNCTION postgraphile_bench.relation_citations(relation public.relation)
RETURNS SETOF public.citation LANGUAGE sql STABLE AS $$
    SELECT citation.* FROM public.citation
    WHERE citation.subject_type = 'relation' AND citation.subject_id = relation.id
    ORDER BY citation.source_id, citation.start, citation."end", citation.id
$$;
COMMENT ON FUNCTION postgraphile_bench.relation_citations(public.relation) IS E'@behavior -connection +list';

-- The filtered query: a relation's events of the given kinds, latest first (undated last, as the API's
-- `orderBy: [{field: DATE, direction: DESC}]`), a connection with its count and pages.
CREATE OR REPLACE FUNCTION postgraphile_bench.relation_events_of_kinds(relation public.relation, kinds text[])
RETURNS SETOF public.event LANGUAGE sql STABLE AS $$
    SELECT event.* FROM public.event
    WHERE event.relation_id = relation.id AND event.kind = ANY (kinds)
    ORDER BY event.sort_date_desc DESC, event.sort_precision DESC, event.slug DESC
$$;
