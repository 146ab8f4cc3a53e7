"""The Cup / not Cup image dataset."""


def load_cup_dataset(root=None):
    """Placeholder until the dataset loader lands."""
    raise NotImplementedError("load_cup_dataset() is being written")
