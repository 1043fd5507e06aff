"""Treatment and health care locators: SAMHSA, FindTreatment.gov, HRSA health centers."""
