"""The hotline self-assessment (issue 23 part 3): the local-hotline checklist as data, answered by
an administrator, with the evidence Lantern holds filled in, and a printable report."""
