"""Shapes of the voices API: attribution of a version's words and participation by region and category."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AttributionSegment(BaseModel):
    """A run of text and where it comes from."""

    text: str
    amendment_id: int | None = Field(description="The merged amendment that introduced it; null: the original draft")
    organisations: list[str] = Field(
        description=(
            "Who the amendment is credited to: the proposing organisation, then its co-sponsors, by name; "
            'one that opted out of credit appears as "a member organisation from <region>". Empty for the draft.'
        )
    )
    region: str | None = Field(description="The proposing organisation's region code; null for the draft")


class AttributedPrinciple(BaseModel):
    principle_id: int
    number: int
    segments: list[AttributionSegment] = Field(description="The principle's text; concatenated, exactly the text")
    title_segments: list[AttributionSegment] = Field(description="The principle's title, likewise")


class AttributionOut(BaseModel):
    """Every principle of a version with the origin of each passage (SPEC §14)."""

    principles: list[AttributedPrinciple]


class VoicesGroup(BaseModel):
    """One region or category (or the smaller ones together) with its count of each contribution."""

    model_config = ConfigDict(extra="allow")

    key: str = Field(description='A region or category code, "smaller_groups" or "all"')
    name: str
    organisations: int
    eligible_organisations: int
    organisations_taking_part: int
    eligible_share: float | None = Field(description="Share of the eligible organisations that took part (0–1)")


class VoicesOut(BaseModel):
    """Contributions to a document by region and by category; each kind named in ``contributions`` is a field."""

    contributions: list[str]
    by_region: list[VoicesGroup]
    by_category: list[VoicesGroup]
    totals: VoicesGroup
    least_heard_region: str | None
