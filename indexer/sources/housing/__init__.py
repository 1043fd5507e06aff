"""Housing and outreach lists: DC shelters, NYC Homebase offices, Link-SF facilities."""
