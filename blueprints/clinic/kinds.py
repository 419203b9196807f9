"""The quality clinic's plain enums: what an expert knows, how a visit is held, what a
finding is caused by, and the states of the things a case holds."""
from enum import StrEnum


class Skill(StrEnum):
    """Kinds of help an expert gives and a case asks for (besides chains and ICS fields)."""
    root_cause = "root_cause"          # 人机料法环测 root-cause analysis
    process = "process"                # process and production control
    materials = "materials"            # materials and components
    testing = "testing"                # test methods, reading reports
    metrology = "metrology"            # measurement, calibration, instruments
    standards = "standards"            # which standard applies, drafting one
    certification = "certification"    # product and management-system certification
    management = "management"          # quality management systems (ISO 9001)
    brand = "brand"                    # brand, IP and labelling


class Cause(StrEnum):
    """A finding's cause category: the six of 人机料法环测 (5M1E)."""
    man = "man"                        # 人
    machine = "machine"                # 机
    material = "material"              # 料
    method = "method"                  # 法
    environment = "environment"        # 环
    measurement = "measurement"        # 测


class AssignmentState(StrEnum):
    pending = "pending"        # dispatched, waiting for the expert's answer
    accepted = "accepted"
    declined = "declined"
    released = "released"      # the administrator took the case back from the expert


class VisitMode(StrEnum):
    onsite = "onsite"
    remote = "remote"


class VisitState(StrEnum):
    booked = "booked"
    cancelled = "cancelled"


class ActionOwner(StrEnum):
    """Who carries out a corrective action."""
    enterprise = "enterprise"
    expert = "expert"


class ActionState(StrEnum):
    open = "open"
    done = "done"


class Activity(StrEnum):
    """What an expert's logged time was spent on."""
    visit = "visit"
    remote = "remote"
    analysis = "analysis"
    report = "report"
    travel = "travel"


class MessageKind(StrEnum):
    question = "question"      # the expert or the desk asks the enterprise
    answer = "answer"          # the enterprise answers
    note = "note"


class ArticleState(StrEnum):
    draft = "draft"
    submitted = "submitted"    # waiting for an administrator's approval
    published = "published"
    refused = "refused"        # sent back to the expert with a reason
