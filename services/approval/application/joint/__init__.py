"""Joint approval (并联审批) and projects: the use cases on top of the case and project streams."""
