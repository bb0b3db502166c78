from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.import_status import ImportStatus
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.import_counts import ImportCounts
  from ..models.import_job_columns import ImportJobColumns
  from ..models.row_issue import RowIssue





T = TypeVar("T", bound="ImportJob")



@_attrs_define
class ImportJob:
    """ 
        Attributes:
            counts (ImportCounts):
            created_at (datetime.datetime):
            dry_run (bool): Counted and checked, nothing written.
            error_count (int):
            errors (list[RowIssue]): The first 100 bad rows; all of them are in `errors.csv`.
            file_name (str):
            id (str):  Example: k3j2h4g5f6d7s8a9q0w1.
            importer (str):  Example: csv-importer.
            size (int): Bytes uploaded.
            status (ImportStatus):
            columns (ImportJobColumns | Unset): What the columns the importer passed on became, by the `mapping` option or
                by their
                header: a contact field (`gender`, `honorific`, `language`, `email`, `notes`, `opted_out`,
                `consent`, `opt_out_reason`) or a custom field (`custom.<key>`). Filled as the file is read,
                so a dry run shows it before anything is written. Phone, names, e-mail and tags columns
                that the importer reads itself are not listed. Example: {'Cinsiyet': 'gender', 'Hitap': 'honorific', 'Şehir':
                'custom.şehir'}.
            failure (None | str | Unset): Why the whole import failed (the file could not be read, the plugin failed …).
            finished_at (datetime.datetime | None | Unset):
            started_at (datetime.datetime | None | Unset):
     """

    counts: ImportCounts
    created_at: datetime.datetime
    dry_run: bool
    error_count: int
    errors: list[RowIssue]
    file_name: str
    id: str
    importer: str
    size: int
    status: ImportStatus
    columns: ImportJobColumns | Unset = UNSET
    failure: None | str | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.import_counts import ImportCounts # noqa: PLC0415
        from ..models.import_job_columns import ImportJobColumns # noqa: PLC0415
        from ..models.row_issue import RowIssue # noqa: PLC0415
        counts = self.counts.to_dict()

        created_at = self.created_at.isoformat()

        dry_run = self.dry_run

        error_count = self.error_count

        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)



        file_name = self.file_name

        id = self.id

        importer = self.importer

        size = self.size

        status = self.status.value

        columns: dict[str, Any] | Unset = UNSET
        if not isinstance(self.columns, Unset):
            columns = self.columns.to_dict()

        failure: None | str | Unset
        if isinstance(self.failure, Unset):
            failure = UNSET
        else:
            failure = self.failure

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "counts": counts,
            "created_at": created_at,
            "dry_run": dry_run,
            "error_count": error_count,
            "errors": errors,
            "file_name": file_name,
            "id": id,
            "importer": importer,
            "size": size,
            "status": status,
        })
        if columns is not UNSET:
            field_dict["columns"] = columns
        if failure is not UNSET:
            field_dict["failure"] = failure
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if started_at is not UNSET:
            field_dict["started_at"] = started_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.import_counts import ImportCounts # noqa: PLC0415
        from ..models.import_job_columns import ImportJobColumns # noqa: PLC0415
        from ..models.row_issue import RowIssue # noqa: PLC0415
        d = dict(src_dict)
        counts = ImportCounts.from_dict(d.pop("counts"))




        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        dry_run = d.pop("dry_run")

        error_count = d.pop("error_count")

        errors = []
        _errors = d.pop("errors")
        for errors_item_data in (_errors):
            errors_item = RowIssue.from_dict(errors_item_data)



            errors.append(errors_item)


        file_name = d.pop("file_name")

        id = d.pop("id")

        importer = d.pop("importer")

        size = d.pop("size")

        status = ImportStatus(d.pop("status"))




        _columns = d.pop("columns", UNSET)
        columns: ImportJobColumns | Unset
        if isinstance(_columns,  Unset):
            columns = UNSET
        else:
            columns = ImportJobColumns.from_dict(_columns)




        def _parse_failure(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure = _parse_failure(d.pop("failure", UNSET))


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


        import_job = cls(
            counts=counts,
            created_at=created_at,
            dry_run=dry_run,
            error_count=error_count,
            errors=errors,
            file_name=file_name,
            id=id,
            importer=importer,
            size=size,
            status=status,
            columns=columns,
            failure=failure,
            finished_at=finished_at,
            started_at=started_at,
        )


        import_job.additional_properties = d
        return import_job

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
