"""Open Referral HSDS 3 services, in JSON (API) and tabular (data package) form."""
