"""Pure mappings from the index contract to the formats other clients consume."""
