"""What the browser tests share: signing in as a person does, and reading the
database as it is now."""
from playwright.sync_api import expect

from extensions import db
from tests import factories


def sign_in(page, base, user):
    """Sign out whoever is signed in (header button), then in through the form."""
    sign_out = page.get_by_role("button", name="退出登录")
    if sign_out.count():
        sign_out.click()
        expect(page.get_by_role("link", name="登录", exact=True)).to_be_visible()
    else:
        page.goto(base + "/")
    page.get_by_role("link", name="登录", exact=True).click()
    page.get_by_label("电子邮箱或手机号码").fill(user["email"])
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def current(model, ident):
    """The row as it is now in the database, not as this session last saw it."""
    db.session.rollback()
    return db.session.get(model, ident)


def pick_service(page, typed: str, choose: str):
    """On the request form: type into the last row's service picker as a person
    searches, and click the match named `choose`."""
    # The form's script has set the rows up once its "add" button shows.
    page.locator("#add-item").wait_for(state="visible")
    row = page.locator("#items tbody tr").last
    row.locator(".ts-control").click()
    page.keyboard.type(typed)
    return choose_in_picker(page, row, choose)


def choose_in_picker(page, row, choose: str):
    """Click the match named `choose` in the open list of the row's picker and see
    that the picker shows it and its list has closed."""
    picker = row.locator("select").get_attribute("id")
    page.locator(f"#{picker}-ts-dropdown .option", has_text=choose).first.click()
    expect(row.locator(".ts-control .item")).to_contain_text(choose)
    expect(page.locator(f"#{picker}-ts-dropdown")).to_be_hidden()
    return row
