"""Models are added by the provisioning issue."""
