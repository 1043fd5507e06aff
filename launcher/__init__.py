"""The `pathways` command: a managed Meilisearch, the seed data indexed, the API served."""
