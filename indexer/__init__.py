"""The Pathways indexer: sources -> validated documents -> Meilisearch."""
