"""Taking reports from visitors: reading what they sent, and the guards against abuse."""
