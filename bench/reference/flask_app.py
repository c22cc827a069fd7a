"""The seeds' web stack for the HTTP benchmark: Flask + SQLAlchemy (ORM, PyMySQL) run by gunicorn, from
Debian's packages. It answers the benchmark's three routes with the JSON shapes carepool returns, as the
seeds ran their app: no authentication, no audit trail.

Pool as the seeds configured it: pool_size=20, max_overflow=0, connect_args connect_timeout=3; pool_timeout
is carepool's acquire timeout (BENCH_POOL_TIMEOUT_S, default 2) so both wait equally long for a connection.
The pool is per gunicorn worker process (see bench/reference/flask.ts for the worker count).

The list reads the page's ids from the name index first (a deferred join), exactly as carepool and the bare
server do: a plain ORDER BY ... LIMIT is planned as a full scan + filesort by MariaDB, and this benchmark
compares the stacks, not two query plans. Env: CAREPOOL_BENCH_DB_URL (mysql+pymysql://..., never printed).
"""
import base64
import json
import os
import re

from flask import Flask, Response, request
from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, create_engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()


class Patient(Base):
    __tablename__ = "patients"
    id = Column(Integer, primary_key=True)
    first_name = Column(String(50), nullable=False)
    last_name = Column(String(50), nullable=False)
    date_of_birth = Column(Date, nullable=False)
    gender = Column(String(10), nullable=False)
    contact_number = Column(String(15))
    is_deceased = Column(Boolean, nullable=False, default=False)  # added by migration 0002
    medical_records = relationship(
        "MedicalRecord",
        order_by="(MedicalRecord.admission_date.desc(), MedicalRecord.id.desc())",
        back_populates="patient",
    )


class MedicalRecord(Base):
    __tablename__ = "medical_records"
    id = Column(Integer, primary_key=True)
    patient_id = Column(Integer, ForeignKey("patients.id"), nullable=False)
    diagnosis = Column(String(100), nullable=False)
    treatment = Column(String(200))
    admission_date = Column(Date, nullable=False)
    discharge_date = Column(Date)
    patient = relationship("Patient", back_populates="medical_records")


class Appointment(Base):
    __tablename__ = "appointments"
    id = Column(Integer, primary_key=True)
    patient_id = Column(Integer, ForeignKey("patients.id"), nullable=False)
    scheduled_at = Column(DateTime, nullable=False)
    reason = Column(String(200))
    status = Column(String(16), nullable=False)


engine = create_engine(
    os.environ["CAREPOOL_BENCH_DB_URL"],
    future=True,
    pool_size=20,
    max_overflow=0,
    pool_timeout=float(os.environ.get("BENCH_POOL_TIMEOUT_S", "2")),
    connect_args={"connect_timeout": 3},
)
app = Flask(__name__)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PATIENT_COLUMNS = ("id", "first_name", "last_name", "date_of_birth", "gender", "contact_number", "is_deceased")
RECORD_COLUMNS = ("id", "patient_id", "diagnosis", "treatment", "admission_date", "discharge_date")
APPOINTMENT_COLUMNS = ("id", "patient_id", "scheduled_at", "reason", "status")


def plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return value


def as_dict(obj, columns):
    return {c: plain(getattr(obj, c)) for c in columns}


def reply(status, body, headers=None):
    return Response(json.dumps(body), status=status, mimetype="application/json", headers=headers)


@app.get("/healthz")
def healthz():
    return reply(200, {"ok": True})


@app.get("/api/v1/targets/bench/patients/<int:patient_id>")
def get_patient(patient_id):
    with Session(engine) as session:
        patient = session.get(Patient, patient_id)
        if patient is None:
            return reply(404, {"error": {"code": "CAREPOOL_NOT_FOUND"}})
        body = as_dict(patient, PATIENT_COLUMNS)
        body["medical_records"] = [as_dict(r, RECORD_COLUMNS) for r in patient.medical_records]
        appointments = session.scalars(
            select(Appointment)
            .where(Appointment.patient_id == patient_id)
            .order_by(Appointment.scheduled_at, Appointment.id)
        )
        body["appointments"] = [as_dict(a, APPOINTMENT_COLUMNS) for a in appointments]
        return reply(200, body)


@app.get("/api/v1/targets/bench/patients")
def list_patients():
    limit = request.args.get("limit", 25, type=int)
    if not 1 <= limit <= 200:
        return reply(400, {"error": {"code": "CAREPOOL_VALIDATION"}})
    order = (Patient.last_name, Patient.first_name, Patient.id)
    page = select(Patient.id).order_by(*order).limit(limit + 1).subquery()
    with Session(engine) as session:
        rows = session.scalars(select(Patient).join(page, page.c.id == Patient.id).order_by(*order)).all()
        items = [as_dict(p, PATIENT_COLUMNS) for p in rows[:limit]]
    next_cursor = None
    if len(rows) > limit and items:
        last = items[-1]
        key = json.dumps(["name", last["last_name"], last["first_name"], last["id"]]).encode()
        next_cursor = base64.urlsafe_b64encode(key).rstrip(b"=").decode()
    return reply(200, {"items": items, "next_cursor": next_cursor, "limit": limit})


@app.post("/api/v1/targets/bench/patients/<int:patient_id>/records")
def create_record(patient_id):
    body = request.get_json(silent=True)

    def text(v, n):
        return isinstance(v, str) and 1 <= len(v) <= n

    def date(v):
        return isinstance(v, str) and DATE.match(v)

    if (
        not isinstance(body, dict)
        or not text(body.get("diagnosis"), 100)
        or not (body.get("treatment") is None or text(body.get("treatment"), 200))
        or not date(body.get("admission_date"))
        or not (body.get("discharge_date") is None or date(body.get("discharge_date")))
        or (body.get("discharge_date") or "9999") < body["admission_date"]
    ):
        return reply(400, {"error": {"code": "CAREPOOL_VALIDATION"}})
    # No existence check first: the foreign key refuses a missing patient, as in carepool (same statements).
    with Session(engine) as session:
        record = MedicalRecord(
            patient_id=patient_id,
            diagnosis=body["diagnosis"],
            treatment=body.get("treatment"),
            admission_date=body["admission_date"],
            discharge_date=body.get("discharge_date"),
        )
        session.add(record)
        try:
            session.commit()
        except IntegrityError:
            return reply(404, {"error": {"code": "CAREPOOL_NOT_FOUND"}})
        out = as_dict(record, RECORD_COLUMNS)  # reloads the committed row (one SELECT), as carepool returns it
    return reply(201, out, {"location": f"/api/v1/targets/bench/records/{out['id']}"})
