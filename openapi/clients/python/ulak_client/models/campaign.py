from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.campaign_state import CampaignState
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.audience import Audience
  from ..models.counts import Counts
  from ..models.progress import Progress
  from ..models.rate import Rate
  from ..models.schedule import Schedule





T = TypeVar("T", bound="Campaign")



@_attrs_define
class Campaign:
    """ A campaign as the API shows it.

        Attributes:
            audience (Audience): A filter over contacts; every criterion given must hold.
            channel (str): The channel's id.
            created_at (datetime.datetime):
            id (str):  Example: k3j2h4g5f6d7s8a9q0w1.
            name (str):  Example: Kasım kampanyası.
            state (CampaignState):
            template (str): The template's id.
            updated_at (datetime.datetime):
            counts (Counts | Unset): How many of a campaign's messages are in each status now.
            enqueued (int | Unset): Recipients rendered into the outbox so far.
            finished_at (datetime.datetime | None | Unset):
            progress (Progress | Unset): What the dispatcher observes while sending.
            rate (Rate | Unset): How fast a campaign sends. Defaults are what senders who care about bans use.
            schedule (Schedule | Unset):
            started_at (datetime.datetime | None | Unset):
            state_reason (None | str | Unset):
            total (int | Unset): Recipients in the outbox so far: the audience's size once `enqueued` stops growing (every
                recipient is rendered into the outbox in the background after the start).
     """

    audience: Audience
    channel: str
    created_at: datetime.datetime
    id: str
    name: str
    state: CampaignState
    template: str
    updated_at: datetime.datetime
    counts: Counts | Unset = UNSET
    enqueued: int | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    progress: Progress | Unset = UNSET
    rate: Rate | Unset = UNSET
    schedule: Schedule | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    state_reason: None | str | Unset = UNSET
    total: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.audience import Audience # noqa: PLC0415
        from ..models.counts import Counts # noqa: PLC0415
        from ..models.progress import Progress # noqa: PLC0415
        from ..models.rate import Rate # noqa: PLC0415
        from ..models.schedule import Schedule # noqa: PLC0415
        audience = self.audience.to_dict()

        channel = self.channel

        created_at = self.created_at.isoformat()

        id = self.id

        name = self.name

        state = self.state.value

        template = self.template

        updated_at = self.updated_at.isoformat()

        counts: dict[str, Any] | Unset = UNSET
        if not isinstance(self.counts, Unset):
            counts = self.counts.to_dict()

        enqueued = self.enqueued

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        progress: dict[str, Any] | Unset = UNSET
        if not isinstance(self.progress, Unset):
            progress = self.progress.to_dict()

        rate: dict[str, Any] | Unset = UNSET
        if not isinstance(self.rate, Unset):
            rate = self.rate.to_dict()

        schedule: dict[str, Any] | Unset = UNSET
        if not isinstance(self.schedule, Unset):
            schedule = self.schedule.to_dict()

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        state_reason: None | str | Unset
        if isinstance(self.state_reason, Unset):
            state_reason = UNSET
        else:
            state_reason = self.state_reason

        total = self.total


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "audience": audience,
            "channel": channel,
            "created_at": created_at,
            "id": id,
            "name": name,
            "state": state,
            "template": template,
            "updated_at": updated_at,
        })
        if counts is not UNSET:
            field_dict["counts"] = counts
        if enqueued is not UNSET:
            field_dict["enqueued"] = enqueued
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if progress is not UNSET:
            field_dict["progress"] = progress
        if rate is not UNSET:
            field_dict["rate"] = rate
        if schedule is not UNSET:
            field_dict["schedule"] = schedule
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if state_reason is not UNSET:
            field_dict["state_reason"] = state_reason
        if total is not UNSET:
            field_dict["total"] = total

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audience import Audience # noqa: PLC0415
        from ..models.counts import Counts # noqa: PLC0415
        from ..models.progress import Progress # noqa: PLC0415
        from ..models.rate import Rate # noqa: PLC0415
        from ..models.schedule import Schedule # noqa: PLC0415
        d = dict(src_dict)
        audience = Audience.from_dict(d.pop("audience"))




        channel = d.pop("channel")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = d.pop("id")

        name = d.pop("name")

        state = CampaignState(d.pop("state"))




        template = d.pop("template")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        _counts = d.pop("counts", UNSET)
        counts: Counts | Unset
        if isinstance(_counts,  Unset):
            counts = UNSET
        else:
            counts = Counts.from_dict(_counts)




        enqueued = d.pop("enqueued", UNSET)

        def _parse_finished_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)



                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        finished_at = _parse_finished_at(d.pop("finished_at", UNSET))


        _progress = d.pop("progress", UNSET)
        progress: Progress | Unset
        if isinstance(_progress,  Unset):
            progress = UNSET
        else:
            progress = Progress.from_dict(_progress)




        _rate = d.pop("rate", UNSET)
        rate: Rate | Unset
        if isinstance(_rate,  Unset):
            rate = UNSET
        else:
            rate = Rate.from_dict(_rate)




        _schedule = d.pop("schedule", UNSET)
        schedule: Schedule | Unset
        if isinstance(_schedule,  Unset):
            schedule = UNSET
        else:
            schedule = Schedule.from_dict(_schedule)




        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)



                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        started_at = _parse_started_at(d.pop("started_at", UNSET))


        def _parse_state_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        state_reason = _parse_state_reason(d.pop("state_reason", UNSET))


        total = d.pop("total", UNSET)

        campaign = cls(
            audience=audience,
            channel=channel,
            created_at=created_at,
            id=id,
            name=name,
            state=state,
            template=template,
            updated_at=updated_at,
            counts=counts,
            enqueued=enqueued,
            finished_at=finished_at,
            progress=progress,
            rate=rate,
            schedule=schedule,
            started_at=started_at,
            state_reason=state_reason,
            total=total,
        )


        campaign.additional_properties = d
        return campaign

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
