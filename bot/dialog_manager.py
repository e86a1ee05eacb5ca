"""A dialog manager that makes a dialog's state durable before the user sees it.

aiogram-dialog renders the new window (a Bot API call) inside the handler and saves the
dialog's context and stack only afterwards, when its middleware unwinds. A process killed
between the two (SIGKILL, the OOM killer, a power cut) left the user looking at a step the
database did not have: their next tap acted on the step before (found by
tests/e2e/test_faults.py, SIGKILL mid-/absent at the confirm step).

Here the context and stack are written just before rendering; CommitBeforeSpeaking
(bot/middlewares.py) then commits them with the update's other writes before the request
leaves. aiogram-dialog still saves them again at the end (the id of a newly sent message
among them), so nothing else changes.
"""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram_dialog.api.entities import ChatEvent, ShowMode
from aiogram_dialog.api.internal import CONTEXT_KEY, STACK_KEY, STORAGE_KEY
from aiogram_dialog.api.protocols import DialogManager, DialogRegistryProtocol
from aiogram_dialog.context.media_storage import MediaIdStorage
from aiogram_dialog.manager.manager import ManagerImpl
from aiogram_dialog.manager.manager_factory import DefaultManagerFactory
from aiogram_dialog.manager.message_manager import MessageManager


class DurableManager(ManagerImpl):
    async def show(self, show_mode: ShowMode | None = None) -> None:
        await self._persist()
        await super().show(show_mode)

    async def _persist(self) -> None:
        storage: Any = self._data.get(STORAGE_KEY)
        if storage is None:
            return  # a background manager or a forbidden stack: nothing loaded, nothing to save
        context = self._data.get(CONTEXT_KEY)
        if context is not None:
            await storage.save_context(context)
        stack = self._data.get(STACK_KEY)
        if stack is not None:
            await storage.save_stack(stack)


class DurableManagerFactory(DefaultManagerFactory):
    def __call__(
        self, event: ChatEvent, data: dict[str, Any], registry: DialogRegistryProtocol, router: Router,
    ) -> DialogManager:
        return DurableManager(
            event=event,
            data=data,
            message_manager=self.message_manager,
            media_id_storage=self.media_id_storage,
            registry=registry,
            router=router,
            getter=self.getter,
        )


def durable_manager_factory() -> DurableManagerFactory:
    return DurableManagerFactory(
        message_manager=MessageManager(), media_id_storage=MediaIdStorage(), getter=None,
    )
