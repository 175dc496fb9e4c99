/**
 * sprig v3.3.0's crypto and random functions (Masterminds/sprig crypto.go) as consul-template offers them under
 * `sprig_`. Deterministic ones are compared with Go's output: derivePassword with sprig's own crypto_test.go
 * expectations, decryptAES with ciphertexts made by sprig's encryptAES scheme run on go1.19.8 (a fixed IV in place of
 * the random one). Random ones are checked by shape: lengths, alphabets, and certificates parsed with node:crypto.
 */
import {createPrivateKey, createPublicKey, X509Certificate} from 'node:crypto'

import bcryptjs from 'bcryptjs'
import {describe, expect, it} from 'vitest'

import {execError, render, syntaxError} from './helpers.js'

describe('sprig_derivePassword (Master Password, scrypt N=32768 r=8 p=2)', () => {
  // Masterminds/sprig v3.3.0 crypto_test.go TestDerivePassword.
  const expectations: Record<string, string> = {
    '1 "long"': 'ZedaFaxcZaso9*',
    '2 "long"': 'Fovi2@JifpTupx',
    '1 "maximum"': 'pf4zS1LjCg&LjhsZ7T2~',
    '1 "medium"': 'ZedJuz8$',
    '1 "basic"': 'pIS54PLs',
    '1 "short"': 'Zed5',
    '1 "pin"': '6685',
  }
  it('gives Go\'s passwords for every template type', () => {
    const template = Object.keys(expectations)
      .map((args) => `{{ sprig_derivePassword ${args} "password" "user" "example.com" }}`)
      .join('|')
    expect(render(template)).toBe(Object.values(expectations).join('|'))
  })

  it('names an unknown template type in its output, as sprig returns it', () => {
    expect(render('{{ sprig_derivePassword 1 "huge" "p" "u" "s" }}')).toBe('cannot find password template huge')
  })
})

describe('sprig_encryptAES and sprig_decryptAES (AES-256-CBC, the password zero-padded to 32 bytes, IV first)', () => {
  it('decrypts ciphertexts made by Go', () => {
    expect(render('{{ sprig_decryptAES "secretkey" "MDEyMzQ1Njc4OWFiY2RlZkytjKYrhHCd2pW6LIu3KTs=" }}')).toBe('plaintext')
    // A password past 32 bytes is cut; a 16-byte plaintext gets a whole block of padding.
    expect(render('{{ sprig_decryptAES "a-password-longer-than-thirty-two-bytes!" "MDEyMzQ1Njc4OWFiY2RlZhborY/UJKaT6T/JMXkC46rIwVe3eQdvkLGzhErbUZAj" }}')).toBe('exactly sixteen!')
    expect(render('{{ sprig_decryptAES "k" "MDEyMzQ1Njc4OWFiY2RlZjEIJeYnucJxq963lDNm9/Y=" }}')).toBe('héllo wörld')
  })

  it('round-trips, with a fresh IV each time, and maps "" to ""', () => {
    const out = render('{{ $a := "plaintext" | sprig_encryptAES "secretkey" }}{{ $b := "plaintext" | sprig_encryptAES "secretkey" }}{{ $a }} {{ $b }} {{ sprig_decryptAES "secretkey" $a }} [{{ sprig_encryptAES "k" "" }}]')
    const [a, b, plain, empty] = out.split(' ')
    expect(Buffer.from(a, 'base64')).toHaveLength(32)
    expect(a).not.toBe(b)
    expect([plain, empty]).toEqual(['plaintext', '[]'])
  })

  it('fails as Go does on input that is not base64 or not whole blocks (the panics text/template reports)', () => {
    expect(execError('{{ sprig_decryptAES "k" "!!!!" }}').message).toBe('template: t:1:3: executing "t" at <sprig_decryptAES "k" "!!!!">: error calling sprig_decryptAES: illegal base64 data at input byte 0')
    expect(execError('{{ sprig_decryptAES "k" "YWJj" }}').message).toContain('error calling sprig_decryptAES: runtime error: slice bounds out of range [:16] with capacity 3')
    expect(execError('{{ sprig_decryptAES "k" "MDEyMzQ1Njc4OWFiY2RlZmFiYw==" }}').message).toContain('error calling sprig_decryptAES: crypto/cipher: input not full blocks')
  })
})

describe('sprig_bcrypt and sprig_htpasswd', () => {
  it('hashes at cost 10 with $2a$, as golang.org/x/crypto/bcrypt does, to a hash that verifies', () => {
    const hash = render('{{ sprig_bcrypt "s3cret" }}')
    expect(hash).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/)
    expect(bcryptjs.compareSync('s3cret', hash)).toBe(true)
    expect(bcryptjs.compareSync('other', hash)).toBe(false)
  })

  it('refuses passwords over 72 bytes and usernames with a colon in its output, as sprig does', () => {
    expect(render(`{{ sprig_bcrypt "${'x'.repeat(73)}" }}`)).toBe('failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes')
    expect(render('{{ sprig_htpasswd "a:b" "pw" }}')).toBe('invalid username: a:b')
    const [user, hash] = render('{{ sprig_htpasswd "admin" "pw" }}').split(/:(.*)/s)
    expect(user).toBe('admin')
    expect(bcryptjs.compareSync('pw', hash)).toBe(true)
  })
})

describe('sprig_genPrivateKey', () => {
  it.each([
    ['rsa', 'RSA PRIVATE KEY', 'rsa', 'pkcs1'],
    ['ecdsa', 'EC PRIVATE KEY', 'ec', 'sec1'],
    ['ed25519', 'PRIVATE KEY', 'ed25519', 'pkcs8'],
  ] as const)('writes a %s key as a %s PEM block', (type, block, keyType, format) => {
    const pem = render(`{{ sprig_genPrivateKey "${type}" }}`)
    expect(pem).toMatch(new RegExp(`^-----BEGIN ${block}-----\\n([A-Za-z0-9+/=]{64}\\n)*[A-Za-z0-9+/=]{1,64}\\n-----END ${block}-----\\n$`))
    const key = createPrivateKey({key: pem, format: 'pem', type: format === 'pkcs8' ? undefined : format} as never)
    expect(key.asymmetricKeyType).toBe(keyType)
    if (type === 'rsa') expect(key.asymmetricKeyDetails?.modulusLength).toBe(4096)
    if (type === 'ecdsa') expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
  })

  it('writes a DSA key as sprig\'s SEQUENCE {0, P, Q, G, Y, X} with Y = G^X mod P, 2048/256 bits', () => {
    const pem = render('{{ sprig_genPrivateKey "dsa" }}')
    expect(pem).toMatch(/^-----BEGIN DSA PRIVATE KEY-----\n[\s\S]+-----END DSA PRIVATE KEY-----\n$/)
    // OpenSSL reads the same structure as a traditional DSA key.
    const key = createPrivateKey({key: pem, format: 'pem'})
    expect(key.asymmetricKeyDetails).toMatchObject({modulusLength: 2048, divisorLength: 256})
  }, 60_000)

  it('answers an unknown type in its output', () => {
    expect(render('{{ sprig_genPrivateKey "rsa2" }}')).toBe('Unknown type rsa2')
  })
})

describe('sprig_genCA, sprig_genSelfSignedCert, sprig_genSignedCert (and their WithKey forms)', () => {
  it('makes a CA (.Cert, .Key) and a certificate it signs, with sprig\'s names, usages and validity', () => {
    const out = render(
      '{{ $ca := sprig_genCA "my-ca" 365 }}{{ $c := sprig_genSignedCert "app.example.com" (sprig_list "10.0.0.1" "::1") (sprig_list "app.example.com" "app") 30 $ca }}' +
        '{{ $ca.Cert }}@@{{ $ca.Key }}@@{{ $c.Cert }}@@{{ $c.Key }}@@{{ printf "%T" $ca }}',
    )
    const [caCert, caKey, cert, key, type] = out.split('@@')
    expect(type).toBe('sprig.certificate')
    const ca = new X509Certificate(caCert)
    const leaf = new X509Certificate(cert)
    expect([ca.subject, ca.issuer, ca.ca]).toEqual(['CN=my-ca', 'CN=my-ca', true])
    // node lists the extended key usages: sprig's base template gives server and client auth to the CA too.
    expect(ca.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'])
    expect([leaf.subject, leaf.issuer, leaf.ca]).toEqual(['CN=app.example.com', 'CN=my-ca', false])
    expect(leaf.subjectAltName).toBe('DNS:app.example.com, DNS:app, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1')
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'])
    expect(leaf.checkIssued(ca)).toBe(true)
    expect(leaf.verify(ca.publicKey)).toBe(true)
    expect(ca.verify(ca.publicKey)).toBe(true)
    const days = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 86_400_000
    expect(days).toBe(30)
    expect(caKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/)
    expect(createPrivateKey(key).asymmetricKeyDetails?.modulusLength).toBe(2048)
    expect(createPublicKey(key).export({type: 'spki', format: 'pem'})).toBe(leaf.publicKey.export({type: 'spki', format: 'pem'}))
  }, 60_000)

  it('signs with the key given (ECDSA, ed25519), re-encoding it as sprig does', () => {
    const out = render(
      '{{ $k := sprig_genPrivateKey "ecdsa" }}{{ $ca := sprig_genCAWithKey "ec-ca" 10 $k }}{{ $e := sprig_genPrivateKey "ed25519" }}' +
        '{{ $s := sprig_genSelfSignedCertWithKey "self" nil nil 1 $e }}{{ $c := sprig_genSignedCertWithKey "leaf" nil (sprig_list "x") 1 $ca $e }}' +
        '{{ $k }}@@{{ $ca.Key }}@@{{ $ca.Cert }}@@{{ $s.Cert }}@@{{ $c.Cert }}',
    )
    const [given, caKey, caCert, self, leaf] = out.split('@@')
    expect(caKey).toBe(given)
    const ca = new X509Certificate(caCert)
    expect(ca.verify(createPublicKey(given))).toBe(true)
    expect(ca.publicKey.asymmetricKeyType).toBe('ec')
    expect(new X509Certificate(self).verify(new X509Certificate(self).publicKey)).toBe(true)
    expect(new X509Certificate(self).publicKey.asymmetricKeyType).toBe('ed25519')
    expect(new X509Certificate(leaf).verify(ca.publicKey)).toBe(true)
  }, 60_000)

  it('fails with sprig\'s and crypto/x509\'s words', () => {
    expect(execError('{{ sprig_genSelfSignedCert "x" (sprig_list "300.1.1.1") nil 1 }}').message).toContain('error calling sprig_genSelfSignedCert: error parsing ip: 300.1.1.1')
    expect(execError('{{ sprig_genSelfSignedCert "x" (sprig_list 1) nil 1 }}').message).toContain('error parsing ip: 1 is not a string')
    expect(execError('{{ sprig_genCAWithKey "x" 1 "nope" }}').message).toContain('error calling sprig_genCAWithKey: parsing private key: no PEM data in input')
    expect(execError('{{ sprig_genCAWithKey "x" 1 (sprig_genPrivateKey "dsa") }}').message).toContain(
      'error calling sprig_genCAWithKey: error creating certificate: x509: certificate private key does not implement crypto.Signer',
    )
    expect(execError('{{ sprig_genSignedCert "x" nil nil 1 "not a CA" }}').message).toBe(
      'template: t:1:37: executing "t" at <"not a CA">: can\'t handle "not a CA" for arg of type sprig.certificate',
    )
    expect(execError('{{ "not a CA" | sprig_genSignedCert "x" nil nil 1 }}').message).toBe(
      // text/template checks the piped value after the last argument, and names that argument.
      'template: t:1:48: executing "t" at <1>: wrong type for value; expected sprig.certificate; got string',
    )
  }, 60_000)

  it('buildCustomCert takes a base64 certificate and key and gives them back as .Cert and .Key', () => {
    const ca = render('{{ $ca := sprig_genCA "c" 1 }}{{ $ca.Cert }}@@{{ $ca.Key }}').split('@@')
    const [cert, key] = ca.map((pem) => Buffer.from(pem).toString('base64'))
    expect(render(`{{ $c := sprig_buildCustomCert "${cert}" "${key}" }}{{ $c.Cert }}@@{{ $c.Key }}`)).toBe(ca.join('@@'))
    expect(execError(`{{ sprig_buildCustomCert "%%" "${key}" }}`).message).toContain('error calling sprig_buildCustomCert: unable to decode base64 certificate')
    expect(execError(`{{ sprig_buildCustomCert "${key}" "${key}" }}`).message).toContain('error parsing certificate: decodedCert.Bytes')
  }, 60_000)
})

describe('sprig_adler32sum, sprig_sha1sum, sprig_sha256sum', () => {
  it('hash the string\'s bytes as Go does (adler32 values from go1.19.8 hash/adler32)', () => {
    expect(render('{{ sprig_adler32sum "abc" }} {{ sprig_adler32sum "héllo" }}')).toBe('38600999 192152348')
    expect(render('{{ sprig_sha1sum "abc" }} {{ sprig_sha256sum "\\xff" }}')).toBe(
      'a9993e364706816aba3e25717850c26c9cd0d89d a8100ae6aa1940d0b663bb31cd466142ebbdbd5187131b92d93818987832eb89',
    )
  })
})

describe('sprig_randInt and sprig_shuffle', () => {
  it('randInt gives an int in [min, max) and panics as math/rand.Intn on an empty range', () => {
    const values = render('{{ range sprig_until 200 }}{{ sprig_randInt 3 6 }}{{ end }}|{{ printf "%T" (sprig_randInt 0 1) }}').split('|')
    expect(new Set(values[0])).toEqual(new Set(['3', '4', '5']))
    expect(values[1]).toBe('int')
    expect(execError('{{ sprig_randInt 5 5 }}').message).toContain('error calling sprig_randInt: invalid argument to Intn')
  })

  it('shuffle keeps the runes', () => {
    const out = render('{{ sprig_shuffle "héllo wörld" }}')
    expect([...out].sort()).toEqual([...'héllo wörld'].sort())
  })
})

describe('sprig functions consul-template leaves out (sprig.HermeticTxtFuncMap)', () => {
  it.each(['randAlpha', 'randAlphaNum', 'randAscii', 'randNumeric', 'randBytes', 'uuidv4'])('sprig_%s is not defined, as for the agent', (name) => {
    expect(syntaxError(`{{ sprig_${name} 5 }}`).message).toBe(`template: t:1: function "sprig_${name}" not defined`)
  })
})
