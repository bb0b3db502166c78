from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.last_error import LastError
  from ..models.log_line import LogLine





T = TypeVar("T", bound="PluginLog")



@_attrs_define
class PluginLog:
    """ One plugin's recent activity in one workspace, since this server started.

        Attributes:
            calls_failed (int): Calls that failed as a whole (trap, time or memory limit, bad answer).
            calls_ok (int): Calls that returned.
            item_errors (int): Items a resolver answered with an error (one contact's value).
            lines (list[LogLine]): The plugin's most recent `log` lines, oldest first (at most 50).
            last_error (LastError | None | Unset):
     """

    calls_failed: int
    calls_ok: int
    item_errors: int
    lines: list[LogLine]
    last_error: LastError | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.last_error import LastError # noqa: PLC0415
        from ..models.log_line import LogLine # noqa: PLC0415
        calls_failed = self.calls_failed

        calls_ok = self.calls_ok

        item_errors = self.item_errors

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)



        last_error: dict[str, Any] | None | Unset
        if isinstance(self.last_error, Unset):
            last_error = UNSET
        elif isinstance(self.last_error, LastError):
            last_error = self.last_error.to_dict()
        else:
            last_error = self.last_error


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "calls_failed": calls_failed,
            "calls_ok": calls_ok,
            "item_errors": item_errors,
            "lines": lines,
        })
        if last_error is not UNSET:
            field_dict["last_error"] = last_error

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.last_error import LastError # noqa: PLC0415
        from ..models.log_line import LogLine # noqa: PLC0415
        d = dict(src_dict)
        calls_failed = d.pop("calls_failed")

        calls_ok = d.pop("calls_ok")

        item_errors = d.pop("item_errors")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in (_lines):
            lines_item = LogLine.from_dict(lines_item_data)



            lines.append(lines_item)


        def _parse_last_error(data: object) -> LastError | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_error_type_0 = LastError.from_dict(data)



                return last_error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LastError | None | Unset, data)

        last_error = _parse_last_error(d.pop("last_error", UNSET))


        plugin_log = cls(
            calls_failed=calls_failed,
            calls_ok=calls_ok,
            item_errors=item_errors,
            lines=lines,
            last_error=last_error,
        )


        plugin_log.additional_properties = d
        return plugin_log

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
