from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.import_event_data_counts import ImportEventDataCounts





T = TypeVar("T", bound="ImportEventData")



@_attrs_define
class ImportEventData:
    """ `import.*`: a contact import finished.

        Attributes:
            counts (ImportEventDataCounts): The rows by outcome.
            import_ (str):
            failure (None | str | Unset):
     """

    counts: ImportEventDataCounts
    import_: str
    failure: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.import_event_data_counts import ImportEventDataCounts # noqa: PLC0415
        counts = self.counts.to_dict()

        import_ = self.import_

        failure: None | str | Unset
        if isinstance(self.failure, Unset):
            failure = UNSET
        else:
            failure = self.failure


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "counts": counts,
            "import": import_,
        })
        if failure is not UNSET:
            field_dict["failure"] = failure

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.import_event_data_counts import ImportEventDataCounts # noqa: PLC0415
        d = dict(src_dict)
        counts = ImportEventDataCounts.from_dict(d.pop("counts"))




        import_ = d.pop("import")

        def _parse_failure(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure = _parse_failure(d.pop("failure", UNSET))


        import_event_data = cls(
            counts=counts,
            import_=import_,
            failure=failure,
        )


        import_event_data.additional_properties = d
        return import_event_data

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
