from tests.support.chat import ChatDriver


async def test_unknown_user_gets_onboarding_not_an_error(tg: ChatDriver) -> None:
    stranger = tg.user(777, language="zh-hans")
    replies = await tg.send(stranger, "/start")
    assert "分享我的手机号" in replies.text


async def test_text_where_a_tap_is_expected_gets_a_hint(tg: ChatDriver) -> None:
    stranger = tg.user(778, language="en")
    await tg.send(stranger, "/start")
    replies = await tg.send(stranger, "hello?")
    assert "did not understand" in replies.text
