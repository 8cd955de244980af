"""What ``estimator pack`` reads from the assumptions: a container's smallest usable
interior, its door and its smallest usable payload, and a catalog package or a round's
kit of packages at its pessimistic corner."""

from __future__ import annotations

from estimator.catalog import Catalog, canonical_id
from estimator.errors import InputError
from estimator.packing import NO_LAYER_LIMIT

SIDES = ("length", "width", "height")


def smallest_interior(catalog: Catalog, container_id: str, floor_dunnage: bool = True):
    """The smallest interior less the smallest clearance (and floor dunnage), and the
    smallest door.

    Palletised loads stand on their pallets, which are their dunnage (US Army subcourse
    MM0148, armymunitions.tpub.com/Mm0148a/Ammunition-Stacks-10.htm), so
    ``floor_dunnage=False`` leaves ``load.dunnage_height`` out.

    Returns
    -------
    interior : three floats, [m]
    door : (width, height), [m]
    """
    from estimator.model import usable_interior

    numbers = catalog.container(container_id).numbers
    values = {f"container.interior_{side}": numbers[f"interior_{side}"].low for side in SIDES}
    values["load.clearance"] = catalog.loading["load.clearance"].low
    values["load.dunnage_height"] = catalog.loading["load.dunnage_height"].low if floor_dunnage else 0.0
    interior = tuple(float(side) for side in usable_interior(values))
    return interior, (numbers["door_width"].low, numbers["door_height"].low)


def catalog_package(catalog: Catalog, munition_id: str, package_id: str):
    """A munition's package at its pessimistic corner: largest sides and gross mass, the
    fewest layers it allows.

    Returns
    -------
    sides : three floats, [m]
    gross_mass : float, [kg]
    upright : bool
    max_layers : int, NO_LAYER_LIMIT when the catalog gives none
    """
    packages = _munition(catalog, munition_id).packages
    if package_id not in packages:
        raise InputError(f"--crate {package_id!r}: {munition_id} has packages {', '.join(packages)}")
    package = packages[package_id]
    numbers = package.numbers
    layers = int(numbers["max_layers"].low) if "max_layers" in numbers else NO_LAYER_LIMIT
    return tuple(numbers[side].high for side in SIDES), numbers["gross_mass"].high, package.upright, layers


def smallest_usable_payload(catalog: Catalog, container_id: str) -> float:
    """The smallest payload times the smallest ``load.fraction``: the pessimistic corner
    of the model's mass limit. [kg]"""
    payload = catalog.container(container_id).numbers["payload"].low
    return float(payload * catalog.loading["load.fraction"].low)


def catalog_kit(catalog: Catalog, munition_id: str, round_name: str):
    """The packages of a munition's round definition, each as :func:`catalog_package`
    gives it, with its items per package and per round.

    Returns
    -------
    list of kit_pack.KitPart
    """
    from estimator.kit_pack import KitPart

    munition = _munition(catalog, munition_id)
    if round_name not in munition.rounds:
        raise InputError(f"--round {round_name!r}: {munition_id} has rounds {', '.join(munition.rounds)}")
    parts = []
    for part in munition.rounds[round_name].kit:
        sides, mass, upright, layers = catalog_package(catalog, munition_id, part.package)
        items = int(munition.packages[part.package].numbers["items"].low)
        parts.append(KitPart(part.package, sides, mass, upright, layers, items, part.items_per_round))
    return parts


def _munition(catalog: Catalog, munition_id: str):
    """The catalog's munition ``munition_id``, or a one-line error listing the ids."""
    key = canonical_id(catalog.munitions, munition_id)
    if key is None:
        raise InputError(f"--munition {munition_id!r}: expected one of {', '.join(catalog.munitions)}")
    return catalog.munitions[key]
