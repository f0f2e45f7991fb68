def test_landing_page_answers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Start de scan" in response.get_data(as_text=True)
