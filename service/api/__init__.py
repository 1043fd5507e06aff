"""HTTP resources of the API, one module each."""
