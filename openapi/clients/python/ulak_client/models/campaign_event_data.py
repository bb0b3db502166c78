from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.campaign_event_data_counts_type_0 import CampaignEventDataCountsType0





T = TypeVar("T", bound="CampaignEventData")



@_attrs_define
class CampaignEventData:
    """ `campaign.*`: a campaign changed state.

        Attributes:
            campaign (str):
            name (str):
            state (str): `running`, `paused`, `completed`, `cancelled`.
            counts (CampaignEventDataCountsType0 | None | Unset): The counts by status when it happened, for
                `campaign.completed` and `campaign.cancelled`.
     """

    campaign: str
    name: str
    state: str
    counts: CampaignEventDataCountsType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.campaign_event_data_counts_type_0 import CampaignEventDataCountsType0 # noqa: PLC0415
        campaign = self.campaign

        name = self.name

        state = self.state

        counts: dict[str, Any] | None | Unset
        if isinstance(self.counts, Unset):
            counts = UNSET
        elif isinstance(self.counts, CampaignEventDataCountsType0):
            counts = self.counts.to_dict()
        else:
            counts = self.counts


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "campaign": campaign,
            "name": name,
            "state": state,
        })
        if counts is not UNSET:
            field_dict["counts"] = counts

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.campaign_event_data_counts_type_0 import CampaignEventDataCountsType0 # noqa: PLC0415
        d = dict(src_dict)
        campaign = d.pop("campaign")

        name = d.pop("name")

        state = d.pop("state")

        def _parse_counts(data: object) -> CampaignEventDataCountsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                counts_type_0 = CampaignEventDataCountsType0.from_dict(data)



                return counts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CampaignEventDataCountsType0 | None | Unset, data)

        counts = _parse_counts(d.pop("counts", UNSET))


        campaign_event_data = cls(
            campaign=campaign,
            name=name,
            state=state,
            counts=counts,
        )


        campaign_event_data.additional_properties = d
        return campaign_event_data

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
