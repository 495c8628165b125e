"""The five petals: one for each area of disadvantage, filled when it applies now."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Petal:
    name: str
    colour: str
    filled: bool
    angle: int


def petals_for_mask(mask: int, areas) -> list[Petal]:
    return [
        Petal(area.name, area.colour, bool(mask & 2 ** (area.order - 1)), index * 72)
        for index, area in enumerate(areas)
    ]


def summary(petals: list[Petal]) -> str:
    names = [p.name for p in petals if p.filled]
    return ", ".join(names) if names else "none"
