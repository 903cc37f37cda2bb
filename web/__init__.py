"""The HTTP side of the GraphQL endpoint: reading requests, persisted queries, caching, responses."""
