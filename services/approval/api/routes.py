"""Every router of the approval API."""

from fastapi import APIRouter

from services.approval.api import admin, cases, projects, seals

routers: list[APIRouter] = [cases.router, seals.router, admin.router, projects.router]
