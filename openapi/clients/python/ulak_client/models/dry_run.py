from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.dry_run_skipped import DryRunSkipped
  from ..models.sample import Sample





T = TypeVar("T", bound="DryRun")



@_attrs_define
class DryRun:
    """ 
        Attributes:
            audience (int): Contacts the audience matches.
            samples (list[Sample]): The first messages as their recipients would get them.
            skipped (DryRunSkipped): Contacts left out, by reason (`opted_out`, `no_address`; on WhatsApp Web channels also
                `not_on_whatsapp`). Example: {'no_address': 0, 'opted_out': 3}.
            would_send (int): Messages that would be sent.
            approved_template (None | str | Unset): The approved template those recipients get (`name (language)`), if the
                template maps
                onto one. Example: kampanya_duyurusu (tr).
            estimated_finish (datetime.datetime | None | Unset):
            estimated_seconds (int | None | Unset): How long sending would take under the rate, cap and window (none: the
                window never opens).
            outside_window (int | None | Unset): WhatsApp Cloud API channels: of the messages that would be sent, how many
                go to contacts
                who have not written within 24 hours (as of now). They get the approved template the
                template maps onto, or are refused without one. Example: 120.
            unchecked_on_whatsapp (int | None | Unset): WhatsApp Web channels: recipients whose WhatsApp account could not
                be checked (the channel
                is not connected here, your role may not write channels, WhatsApp did not answer, or
                beyond what one dry run asks about: 1,000 numbers, within the channel's ten checks of 50 a
                minute shared with the number check; answers are remembered, so the next dry run goes
                further). They count in
                `would_send`; when sending, each is checked and skipped as `not_on_whatsapp` without an
                account. Example: 0.
     """

    audience: int
    samples: list[Sample]
    skipped: DryRunSkipped
    would_send: int
    approved_template: None | str | Unset = UNSET
    estimated_finish: datetime.datetime | None | Unset = UNSET
    estimated_seconds: int | None | Unset = UNSET
    outside_window: int | None | Unset = UNSET
    unchecked_on_whatsapp: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.dry_run_skipped import DryRunSkipped # noqa: PLC0415
        from ..models.sample import Sample # noqa: PLC0415
        audience = self.audience

        samples = []
        for samples_item_data in self.samples:
            samples_item = samples_item_data.to_dict()
            samples.append(samples_item)



        skipped = self.skipped.to_dict()

        would_send = self.would_send

        approved_template: None | str | Unset
        if isinstance(self.approved_template, Unset):
            approved_template = UNSET
        else:
            approved_template = self.approved_template

        estimated_finish: None | str | Unset
        if isinstance(self.estimated_finish, Unset):
            estimated_finish = UNSET
        elif isinstance(self.estimated_finish, datetime.datetime):
            estimated_finish = self.estimated_finish.isoformat()
        else:
            estimated_finish = self.estimated_finish

        estimated_seconds: int | None | Unset
        if isinstance(self.estimated_seconds, Unset):
            estimated_seconds = UNSET
        else:
            estimated_seconds = self.estimated_seconds

        outside_window: int | None | Unset
        if isinstance(self.outside_window, Unset):
            outside_window = UNSET
        else:
            outside_window = self.outside_window

        unchecked_on_whatsapp: int | None | Unset
        if isinstance(self.unchecked_on_whatsapp, Unset):
            unchecked_on_whatsapp = UNSET
        else:
            unchecked_on_whatsapp = self.unchecked_on_whatsapp


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "audience": audience,
            "samples": samples,
            "skipped": skipped,
            "would_send": would_send,
        })
        if approved_template is not UNSET:
            field_dict["approved_template"] = approved_template
        if estimated_finish is not UNSET:
            field_dict["estimated_finish"] = estimated_finish
        if estimated_seconds is not UNSET:
            field_dict["estimated_seconds"] = estimated_seconds
        if outside_window is not UNSET:
            field_dict["outside_window"] = outside_window
        if unchecked_on_whatsapp is not UNSET:
            field_dict["unchecked_on_whatsapp"] = unchecked_on_whatsapp

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dry_run_skipped import DryRunSkipped # noqa: PLC0415
        from ..models.sample import Sample # noqa: PLC0415
        d = dict(src_dict)
        audience = d.pop("audience")

        samples = []
        _samples = d.pop("samples")
        for samples_item_data in (_samples):
            samples_item = Sample.from_dict(samples_item_data)



            samples.append(samples_item)


        skipped = DryRunSkipped.from_dict(d.pop("skipped"))




        would_send = d.pop("would_send")

        def _parse_approved_template(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        approved_template = _parse_approved_template(d.pop("approved_template", UNSET))


        def _parse_estimated_finish(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                estimated_finish_type_0 = datetime.datetime.fromisoformat(data)



                return estimated_finish_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        estimated_finish = _parse_estimated_finish(d.pop("estimated_finish", UNSET))


        def _parse_estimated_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        estimated_seconds = _parse_estimated_seconds(d.pop("estimated_seconds", UNSET))


        def _parse_outside_window(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        outside_window = _parse_outside_window(d.pop("outside_window", UNSET))


        def _parse_unchecked_on_whatsapp(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        unchecked_on_whatsapp = _parse_unchecked_on_whatsapp(d.pop("unchecked_on_whatsapp", UNSET))


        dry_run = cls(
            audience=audience,
            samples=samples,
            skipped=skipped,
            would_send=would_send,
            approved_template=approved_template,
            estimated_finish=estimated_finish,
            estimated_seconds=estimated_seconds,
            outside_window=outside_window,
            unchecked_on_whatsapp=unchecked_on_whatsapp,
        )


        dry_run.additional_properties = d
        return dry_run

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
