"""The data model: FollowTheMoney entities as statements, with provenance and sharing markings."""
