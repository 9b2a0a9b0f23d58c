"""Problems that stop an import, told in one line the person running it can act on."""


class ImportProblem(Exception):
    """The import cannot go ahead (or went wrong and was undone); the message says what to do."""
