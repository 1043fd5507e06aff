"""The stewards' review pages under /review/: reports beside the listing as published, and the
decisions on them (accept with a correction, reject, mark verified, forward to the source)."""
