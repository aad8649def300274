def test_home_page_is_styled_with_govuk_frontend(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "govuk-frontend.min.css" in page
    assert "Sell to the world from the UK" in page
