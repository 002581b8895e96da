"""Rules as data: the specs in `rules/*.yaml`, their registry and the documentation made from them."""
