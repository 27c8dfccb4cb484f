"""The resource library (issue 23 part 2): fact sheets, guides, posters and training decks that
staff publish, searchable by the public at ``/resources/`` and downloaded from Lantern."""
